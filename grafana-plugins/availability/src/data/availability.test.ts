import { createDataFrame, DataFrame, FieldType } from '@grafana/data';
import { AvailabilityModel, pickResource, shapeAvailability } from './availability';
import { freeSoon, headline, partitionLabel, segments } from './labels';
import { DEFAULT_OPTIONS } from '../types';

type Values = Record<string, Array<string | number | null>>;

/** A frame from columns: string columns for strings, number columns otherwise. */
function frame(cols: Values): DataFrame {
  return createDataFrame({
    fields: Object.entries(cols).map(([name, values]) => ({
      name,
      type: values.some((v) => typeof v === 'string') ? FieldType.string : FieldType.number,
      values,
    })),
  });
}

const base = (extra: Values = {}): Values => ({
  partition: ['batch', 'gpu'],
  idle: [10, 12],
  allocated: [20, 8],
  down: [1, 0],
  drain: [2, 1],
  preemptable: [0, 4],
  ...extra,
});

function model(frames: DataFrame[], options = DEFAULT_OPTIONS): AvailabilityModel {
  const r = shapeAvailability(frames, options);
  if (!r.ok) {
    throw new Error(`expected a model, got: ${r.message}`);
  }
  return r.value;
}

function message(frames: DataFrame[], options = DEFAULT_OPTIONS): string {
  const r = shapeAvailability(frames, options);
  if (r.ok) {
    throw new Error('expected a message');
  }
  return r.message;
}

describe('shapeAvailability', () => {
  test('empty: no frames, a frame without fields, a frame without rows', () => {
    expect(message([])).toBe('No data: the availability frame is empty.');
    expect(message([createDataFrame({ fields: [] })])).toBe('No data: the availability frame is empty.');
    expect(message([frame({ partition: [], idle: [], allocated: [], down: [], drain: [], preemptable: [] })])).toBe(
      'No partitions: the availability frame has no rows.',
    );
  });

  test('one partition: available = idle + preemptable without an available field', () => {
    const m = model([
      frame({ partition: ['gpu'], idle: [8], allocated: [8], down: [0], drain: [0], preemptable: [4] }),
    ]);
    expect(m.hasResourceField).toBe(false);
    expect(m.resources).toHaveLength(1);
    const r = m.resources[0]!;
    expect(r.key).toBe('cpus'); // the option's unit when the frame has no resource field
    expect(r.partitions[0]).toMatchObject({ partition: 'gpu', available: 12, preemptable: 4, total: null });
    expect(headline(r.partitions[0]!, r.key)).toBe('available now: 12 (4 of them by preemption)');
    expect(partitionLabel(r.partitions[0]!, 'gpus')).toBe('partition gpu: 12 GPUs available now, 4 by preemption');
  });

  test('the available field wins over idle + preemptable; total and free soon are read', () => {
    const m = model([frame(base({ available: [9, 16], total: [40, 21], free_1h: [3, 0], free_6h: [7, 2] }))]);
    const [batch, gpu] = m.resources[0]!.partitions;
    expect(batch).toMatchObject({ available: 9, total: 40, free1h: 3, free6h: 7 });
    expect(gpu).toMatchObject({ available: 16, total: 21, free1h: 0, free6h: 2 });
    expect(m.hasFree1h && m.hasFree6h).toBe(true);
    expect(freeSoon(batch!, 'cpus', { h1: true, h6: true })).toEqual({
      text: '+3 within 1 h, +7 within 6 h',
      label: 'partition batch: 3 CPUs free within 1 h, 7 within 6 h',
    });
    expect(freeSoon(batch!, 'cpus', { h1: false, h6: false })).toBeNull();
  });

  test('missing fields: named in the message with what the frame has', () => {
    const cols = base();
    delete cols.drain;
    expect(message([frame(cols)])).toBe(
      'Missing field "drain" (number) in the availability frame; it has "partition", "idle", "allocated", "down", "preemptable".',
    );
    expect(message([frame({ name: ['x'], idle: [1] })])).toMatch(/^Missing field "partition" \(string\)/);
    expect(message([frame(base({ idle: ['lots', 'many'] }))])).toBe(
      'Field "idle" in the availability frame holds string values, not numbers.',
    );
  });

  test('NaN: a NaN or null amount is unknown (null), drawn as 0 and said "unknown"', () => {
    const m = model([frame(base({ idle: [NaN, 12], preemptable: [0, null] }))]);
    const [batch, gpu] = m.resources[0]!.partitions;
    expect(batch!.idle).toBeNull();
    expect(batch!.available).toBeNull(); // idle unknown → available unknown, not 0
    expect(gpu!.available).toBeNull();
    expect(headline(batch!, 'cpus')).toBe('available now: unknown (0 of them by preemption)');
    expect(partitionLabel(gpu!, 'gpus')).toBe('partition gpu: unknown GPUs available now, unknown by preemption');
    const bar = segments(batch!, 'cpus');
    expect(bar.map((s) => s.kind)).toEqual(['allocated', 'drain', 'down']); // unknown idle: no segment
    expect(bar.reduce((a, s) => a + s.fraction, 0)).toBeCloseTo(1);
  });

  test('remapped names: every field read under its new name', () => {
    const f = frame({
      Queue: ['gpu'],
      free: [2],
      busy: [6],
      broken: [1],
      drained: [1],
      stealable: [3],
      now: [5],
      size: [10],
      soon: [1],
      later: [4],
      kind: ['gpus'],
    });
    const fields = {
      ...DEFAULT_OPTIONS.fields,
      partition: 'Queue',
      idle: 'free',
      allocated: 'busy',
      down: 'broken',
      drain: 'drained',
      preemptable: 'stealable',
      available: 'now',
      total: 'size',
      free1h: 'soon',
      free6h: 'later',
      resource: 'kind',
    };
    const m = model([f], { ...DEFAULT_OPTIONS, fields });
    expect(m.hasResourceField).toBe(true);
    expect(m.resources[0]).toMatchObject({ key: 'gpus', label: 'GPUs' });
    expect(m.resources[0]!.partitions[0]).toEqual({
      partition: 'gpu',
      idle: 2,
      allocated: 6,
      down: 1,
      drain: 1,
      preemptable: 3,
      available: 5,
      total: 10,
      free1h: 1,
      free6h: 4,
    });
    // the default names are not found any more: the message names the remapped one
    expect(message([frame(base())], { ...DEFAULT_OPTIONS, fields })).toMatch(/^Missing field "Queue"/);
  });

  test('resource switch: one row per partition and resource, in the switch order; pickResource', () => {
    const f = frame({
      partition: ['batch', 'batch', 'batch', 'batch'],
      resource: ['memory_bytes', 'cpus', 'nodes', 'gpus'],
      idle: [2 ** 40, 64, 2, 0],
      allocated: [2 ** 39, 32, 1, 0],
      down: [0, 0, 0, 0],
      drain: [0, 0, 0, 0],
      preemptable: [2 ** 38, 16, 0, 0],
    });
    const m = model([f]);
    expect(m.resources.map((r) => r.key)).toEqual(['nodes', 'cpus', 'gpus', 'memory_bytes']);
    expect(m.resources.map((r) => r.label)).toEqual(['Nodes', 'CPUs', 'GPUs', 'Memory']);
    expect(pickResource(m, 'memory_bytes').partitions[0]!.idle).toBe(2 ** 40);
    expect(pickResource(m, 'nonsense').key).toBe('nodes');
    const mem = pickResource(m, 'memory_bytes').partitions[0]!;
    expect(headline(mem, 'memory_bytes')).toBe('available now: 1.25 TiB (256 GiB of them by preemption)');
    expect(partitionLabel(mem, 'memory_bytes')).toBe(
      'partition batch: 1.25 TiB of memory available now, 256 GiB by preemption',
    );
  });

  test('gpus:<type> rows: one resource per type after plain gpus; "gpus" picks the first type', () => {
    const f = frame({
      partition: ['gpu', 'gpu', 'gpu'],
      resource: ['gpus:h100', 'GPU:a100', 'cpus'],
      idle: [1, 3, 10],
      allocated: [3, 1, 0],
      down: [0, 0, 0],
      drain: [0, 0, 0],
      preemptable: [1, 0, 0],
    });
    const m = model([f]);
    expect(m.resources.map((r) => [r.key, r.label])).toEqual([
      ['cpus', 'CPUs'],
      ['gpus:a100', 'GPUs a100'],
      ['gpus:h100', 'GPUs h100'],
    ]);
    const h100 = pickResource(m, 'gpus:h100').partitions[0]!;
    expect(partitionLabel(h100, 'gpus:h100')).toBe('partition gpu: 2 h100 GPUs available now, 1 by preemption');
    expect(pickResource(m, 'gpus').key).toBe('gpus:a100');
  });

  test('the grid frame is not taken for availability; a later row of a partition replaces an earlier one', () => {
    const grid = frame({ node: ['c001'], state: ['idle'], partition: ['batch'] });
    const m = model([grid, frame(base()), frame(base({ idle: [11, 13] }))]);
    expect(m.resources[0]!.partitions.map((p) => [p.partition, p.idle])).toEqual([
      ['batch', 11],
      ['gpu', 13],
    ]);
    expect(message([grid])).toBe('No availability frame: every frame has a "node" field (the node grid\'s).');
  });

  test('segments: preemptable is part of allocated; total beyond the states is "other"', () => {
    const m = model([frame(base({ total: [40, 21] }))]);
    const gpu = m.resources[0]!.partitions[1]!;
    const bar = segments(gpu, 'gpus');
    expect(bar.map((s) => [s.kind, s.value])).toEqual([
      ['idle', 12],
      ['preemptable', 4],
      ['allocated', 4],
      ['drain', 1],
    ]);
    expect(bar[1]!.label).toBe('partition gpu: 4 GPUs allocated but preemptable');
    const batch = segments(m.resources[0]!.partitions[0]!, 'nodes');
    expect(batch.at(-1)).toMatchObject({ kind: 'other', value: 7, fraction: 7 / 40 });
    expect(batch.at(-1)!.label).toBe('partition batch: 7 nodes in other states (reserved, planned, powered down)');
  });
});
