// The README's recipes run through Grafana's own transformations (@grafana/data's standard
// transformers), from frames in the shape the Prometheus and InfluxDB datasources return for
// table-format queries, into shapeAvailability: the field names the README promises are real.
import { firstValueFrom } from 'rxjs';
import {
  createDataFrame,
  DataFrame,
  DataTransformerConfig,
  DataTransformerInfo,
  FieldType,
  standardTransformers,
  standardTransformersRegistry,
  transformDataFrame,
} from '@grafana/data';
import { shapeAvailability } from './availability';
import { partitionLabel } from './labels';
import { DEFAULT_OPTIONS } from '../types';

beforeAll(() => {
  // the same transformer is exported under several names (aliases): one registry entry per id
  const byId = new Map(Object.values(standardTransformers).map((t) => [t.id, t]));
  standardTransformersRegistry.setInit(() =>
    [...byId.values()].map((t) => ({
      id: t.id,
      aliasIds: t.aliasIds,
      name: t.name,
      description: t.description,
      transformation: () => Promise.resolve(t as DataTransformerInfo),
      editor: () => null,
      imageDark: '',
      imageLight: '',
    })),
  );
});

const T = 1_700_000_000_000;

/** A table-format instant query result: Time, the label columns, and the value column. */
function table(refId: string, labels: Record<string, string[]>, value: string, values: number[]): DataFrame {
  return createDataFrame({
    refId,
    fields: [
      { name: 'Time', type: FieldType.time, values: values.map(() => T) },
      ...Object.entries(labels).map(([name, v]) => ({ name, type: FieldType.string, values: v })),
      { name: value, type: FieldType.number, values },
    ],
  });
}

async function run(frames: DataFrame[], transformations: DataTransformerConfig[]): Promise<DataFrame[]> {
  return firstValueFrom(transformDataFrame(transformations, frames));
}

test('PromQL recipe: one query with a state label per row → grouping to matrix → organize', async () => {
  const states = ['idle', 'allocated', 'down', 'drain', 'preemptable', 'available', 'total', 'free_1h', 'free_6h'];
  const batch = [64, 128, 0, 2, 0, 64, 194, 10, 40];
  const gpu = [16, 48, 0, 0, 32, 48, 64, 4, 8];
  const rows = [
    ...states.map((s, i) => ['batch', s, batch[i]!] as const),
    ...states.map((s, i) => ['gpu', s, gpu[i]!] as const),
  ];
  const promTable = table(
    'A',
    { partition: rows.map((r) => r[0]), state: rows.map((r) => r[1]) },
    'Value',
    rows.map((r) => r[2]),
  );
  const out = await run(
    [promTable],
    [
      { id: 'groupingToMatrix', options: { columnField: 'state', rowField: 'partition', valueField: 'Value' } },
      { id: 'organize', options: { renameByName: { 'partition\\state': 'partition' } } },
    ],
  );
  const r = shapeAvailability(out, DEFAULT_OPTIONS);
  expect(r.ok).toBe(true);
  const gpuRow = r.ok ? r.value.resources[0]!.partitions.find((p) => p.partition === 'gpu')! : undefined;
  expect(gpuRow).toMatchObject({ idle: 16, preemptable: 32, available: 48, total: 64, free1h: 4, free6h: 8 });
  expect(partitionLabel(gpuRow!, 'cpus')).toBe('partition gpu: 48 CPUs available now, 32 by preemption');
});

test('InfluxQL recipe: one aliased query per column, grouped by partition → join by field (outer tabular)', async () => {
  // InfluxQL cannot turn the state tag into columns: one query per state, each aliased (AS "idle")
  const q = (refId: string, alias: string, values: number[]) =>
    table(refId, { partition: ['batch', 'gpu'] }, alias, values);
  const out = await run(
    [
      q('A', 'idle', [64, 16]),
      q('B', 'allocated', [128, 48]),
      q('C', 'down', [0, 0]),
      q('D', 'drain', [2, 0]),
      createDataFrame({
        refId: 'E',
        fields: [
          { name: 'Time', type: FieldType.time, values: [T, T] },
          { name: 'partition', type: FieldType.string, values: ['gpu', 'batch'] }, // another order
          { name: 'preemptable', type: FieldType.number, values: [32, 0] },
          { name: 'available', type: FieldType.number, values: [48, 64] },
        ],
      }),
      q('F', 'free_1h', [10, 4]),
    ],
    [
      { id: 'joinByField', options: { byField: 'partition', mode: 'outerTabular' } },
      { id: 'organize', options: { excludeByName: { Time: true, 'Time 1': true } } },
    ],
  );
  const r = shapeAvailability(out, DEFAULT_OPTIONS);
  if (!r.ok) {
    throw new Error(r.message);
  }
  const byName = Object.fromEntries(r.value.resources[0]!.partitions.map((p) => [p.partition, p]));
  expect(byName.batch).toMatchObject({ idle: 64, allocated: 128, drain: 2, preemptable: 0, available: 64, free1h: 10 });
  expect(byName.gpu).toMatchObject({ idle: 16, allocated: 48, preemptable: 32, available: 48, free1h: 4 });
});

test('several resources: one query per state with a resource label → merge → organize', async () => {
  const labels = { partition: ['gpu', 'gpu'], resource: ['cpus', 'gpus:a100'] };
  const q = (refId: string, values: number[]) => table(refId, labels, `Value #${refId}`, values);
  const out = await run(
    [q('A', [16, 4]), q('B', [48, 4]), q('C', [0, 0]), q('D', [0, 1]), q('E', [32, 2])],
    [
      { id: 'merge', options: {} },
      {
        id: 'organize',
        options: {
          renameByName: {
            'Value #A': 'idle',
            'Value #B': 'allocated',
            'Value #C': 'down',
            'Value #D': 'drain',
            'Value #E': 'preemptable',
          },
        },
      },
    ],
  );
  const r = shapeAvailability(out, DEFAULT_OPTIONS);
  if (!r.ok) {
    throw new Error(r.message);
  }
  expect(r.value.resources.map((x) => x.key)).toEqual(['cpus', 'gpus:a100']);
  expect(partitionLabel(r.value.resources[1]!.partitions[0]!, 'gpus:a100')).toBe(
    'partition gpu: 6 a100 GPUs available now, 2 by preemption',
  );
});
