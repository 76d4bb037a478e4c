import { createDataFrame, DataFrame, FieldType } from '@grafana/data';
import { GridModel, shapeGrid } from './grid';
import { normalizeState } from './states';

function frame(cols: Record<string, Array<string | number | null>>): DataFrame {
  return createDataFrame({
    fields: Object.entries(cols).map(([name, values]) => ({
      name,
      type: values.some((v) => typeof v === 'number') ? FieldType.number : FieldType.string,
      values,
    })),
  });
}

function grid(f: DataFrame | undefined, partition?: string): GridModel {
  const r = shapeGrid(f, { partition });
  if (!r.ok) {
    throw new Error(`expected a grid, got: ${r.message}`);
  }
  return r.value;
}

const STATES = ['idle', 'mixed', 'allocated', 'down', 'drain', 'reserved', 'powered_down', 'planned', 'completing'];

describe('shapeGrid', () => {
  test('empty: no frame, no fields, no rows are messages', () => {
    expect(shapeGrid(undefined)).toEqual({ ok: false, message: 'No data: the node frame is empty.' });
    expect(shapeGrid(frame({ node: [], state: [] }))).toEqual({
      ok: false,
      message: 'No nodes: the node frame has no rows with a "node".',
    });
  });

  test('one node: its label in words, counted in its state', () => {
    const g = grid(frame({ node: ['c001'], state: ['allocated'], partition: ['batch'] }));
    expect(g.nodes).toEqual([
      {
        node: 'c001',
        state: 'allocated',
        rawState: 'allocated',
        partitions: ['batch'],
        label: 'node c001: allocated (partition batch)',
      },
    ]);
    expect(g.counts.allocated).toBe(1);
    expect(g.counts.idle).toBe(0);
  });

  test('2,000 nodes: every node kept in order, counts add up, shaped in well under 100 ms', () => {
    const n = 2000;
    const nodes = Array.from({ length: n }, (_, i) => `c${String(i).padStart(4, '0')}`);
    const states = nodes.map((_, i) => STATES[i % STATES.length]!);
    const parts = nodes.map((_, i) => (i < 1500 ? 'batch' : 'batch,gpu'));
    const f = frame({ node: nodes, state: states, partition: parts });
    const t0 = performance.now();
    const g = grid(f);
    const ms = performance.now() - t0;
    expect(g.nodes).toHaveLength(n);
    expect(g.nodes[1999]!.label).toBe(`node c1999: ${STATES[1999 % 9]!.replace('_', ' ')} (partitions batch, gpu)`);
    expect(Object.values(g.counts).reduce((a, b) => a + b, 0)).toBe(n);
    expect(g.counts.idle).toBe(Math.ceil(n / 9));
    expect(g.partitions).toEqual(['batch', 'gpu']);
    expect(grid(f, 'gpu').nodes).toHaveLength(500);
    expect(ms).toBeLessThan(100);
  });

  test('a node on several rows (one per partition) is one cell with both partitions', () => {
    const g = grid(
      frame({ node: ['g01', 'g01', 'c01'], state: ['mixed', 'mixed', 'idle'], partition: ['gpu', 'batch', 'batch'] }),
    );
    expect(g.nodes.map((x) => x.label)).toEqual([
      'node g01: mixed (partitions gpu, batch)',
      'node c01: idle (partition batch)',
    ]);
    expect(
      grid(frame({ node: ['g01', 'c01'], state: ['mixed', 'idle'], partition: ['gpu', 'batch'] }), 'gpu').nodes,
    ).toHaveLength(1);
  });

  test('missing fields: named; the partition field is optional', () => {
    expect(shapeGrid(frame({ node: ['c001'], partition: ['batch'] }))).toEqual({
      ok: false,
      message: 'Missing field "state" (string) in the node frame; it has "node", "partition".',
    });
    expect(grid(frame({ node: ['c001'], state: ['idle'] })).nodes[0]!.label).toBe('node c001: idle');
  });

  test('NaN and blanks: a node without a name is skipped, a state that is not a word is unknown', () => {
    const g = grid(frame({ node: ['c001', '', 'c003'], state: [NaN, 'idle', null] }));
    expect(g.nodes.map((x) => x.label)).toEqual(['node c001: unknown state "NaN"', 'node c003: unknown state']);
    expect(g.counts.unknown).toBe(2);
  });

  test('remapped names', () => {
    const f = frame({ host: ['c001'], status: ['drain'], queue: ['batch'] });
    const r = shapeGrid(f, { fields: { node: 'host', state: 'status', nodePartition: 'queue' } });
    expect(r.ok && r.value.nodes[0]!.label).toBe('node c001: drain (partition batch)');
  });
});

describe('normalizeState', () => {
  test.each([
    ['IDLE', 'idle'],
    ['idle*', 'idle'],
    ['idle~', 'powered_down'],
    ['MIXED+DRAIN', 'drain'],
    ['DOWN+DRAIN', 'down'],
    ['alloc', 'allocated'],
    ['drained', 'drain'],
    ['IDLE+PLANNED', 'planned'],
    ['comp', 'completing'],
    ['reserved', 'reserved'],
    ['powered_down', 'powered_down'],
    ['', 'unknown'],
    ['weird', 'unknown'],
  ])('%s → %s', (raw, want) => {
    expect(normalizeState(raw)).toBe(want);
  });
});
