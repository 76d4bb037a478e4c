import { availabilityFrames } from './availability';
import { col, counts } from './testkit';

const NODE_STATES = {
  idle: 0,
  mixed: 0,
  allocated: 0,
  down: 0,
  drain: 0,
  reserved: 0,
  powered_down: 0,
  planned: 0,
  completing: 0,
};

function partition(name: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    partition: name,
    state: 'UP',
    priorityTier: 1,
    nodes: { ...NODE_STATES, idle: 1 },
    nodesFreeWithin: { '1h': 0, '6h': 0 },
    cpus: counts(64, 0),
    memoryBytes: counts(256e9, 0),
    gpus: counts(0, 0, { total: 0 }),
    gpusByType: {},
    ...extra,
  };
}

/** The row index of one partition and resource. */
function rowOf(frame: Parameters<typeof col>[0], partition: string, resource: string): number {
  const ps = col(frame, 'partition');
  const rs = col(frame, 'resource');
  const i = ps.findIndex((p, k) => p === partition && rs[k] === resource);
  if (i < 0) {
    throw new Error(`no row ${partition}/${resource}`);
  }
  return i;
}

describe('availabilityFrames', () => {
  test('empty: an answer without partitions gives an empty partitions frame and no grid', () => {
    const frames = availabilityFrames({ preemptionModelled: true, partitions: [] });
    expect(frames).toHaveLength(1);
    expect(frames[0]?.length).toBe(0);
    expect(col(frames[0], 'available')).toEqual([]);
  });

  test('one node: nodes, cpus and memory rows; no gpus rows on a cluster without GPUs; grid of one', () => {
    const frames = availabilityFrames({
      partitions: [partition('debug')],
      nodes: [{ node: 'node-a', state: 'idle', partitions: ['debug'] }],
    });
    expect(col(frames[0], 'resource')).toEqual(['nodes', 'cpus', 'memory_bytes']);
    expect(col(frames[0], 'total')).toEqual([1, 64, 256e9]);
    expect(col(frames[1], 'node')).toEqual(['node-a']);
    expect(col(frames[1], 'state')).toEqual(['idle']);
    expect(col(frames[1], 'partition')).toEqual(['debug']);
  });

  test('node states fold into idle/allocated/down/drain and add up to the total', () => {
    const nodes = {
      idle: 2,
      mixed: 3,
      allocated: 4,
      down: 1,
      powered_down: 2,
      drain: 5,
      reserved: 1,
      planned: 1,
      completing: 1,
    };
    const [f] = availabilityFrames({
      partitions: [partition('batch', { nodes, nodesFreeWithin: { '1h': 3, '6h': 7 } })],
    });
    const i = rowOf(f, 'batch', 'nodes');
    expect([col(f, 'idle')[i], col(f, 'allocated')[i], col(f, 'down')[i], col(f, 'drain')[i]]).toEqual([2, 9, 3, 6]);
    expect(col(f, 'total')[i]).toBe(20);
    expect(col(f, 'available')[i]).toBe(2);
    expect([col(f, 'free_1h')[i], col(f, 'free_6h')[i]]).toEqual([3, 7]);
  });

  test('GPUs: a gpus row per partition and a gpus:<type> row where the type exists; untyped only in gpus', () => {
    const gpu = partition('gpu', {
      gpus: counts(4, 4, { preemptable: 2, available: 6, freeWithin: { '1h': 1, '6h': 2 } }),
      gpusByType: { a100: counts(4, 2, { preemptable: 2, available: 6 }), '': counts(0, 2) },
    });
    const [f] = availabilityFrames({ partitions: [partition('cpu'), gpu] });
    expect(col(f, 'resource')).toEqual([
      'nodes',
      'cpus',
      'memory_bytes',
      'gpus',
      'nodes',
      'cpus',
      'memory_bytes',
      'gpus',
      'gpus:a100',
    ]);
    const i = rowOf(f, 'gpu', 'gpus:a100');
    expect([col(f, 'preemptable')[i], col(f, 'available')[i], col(f, 'total')[i]]).toEqual([2, 6, 6]);
    const g = rowOf(f, 'gpu', 'gpus');
    expect([col(f, 'free_1h')[g], col(f, 'free_6h')[g]]).toEqual([1, 2]);
  });

  test('2,000 nodes: 2,000 grid rows (plus one per second partition), totals carried', () => {
    const nodes = Array.from({ length: 2000 }, (_, i) => ({
      node: `n${String(i).padStart(4, '0')}`,
      state: i % 10 === 0 ? 'down' : 'mixed',
      partitions: i < 100 ? ['batch', 'debug'] : ['batch'],
    }));
    const frames = availabilityFrames({
      partitions: [partition('batch', { nodes: { ...NODE_STATES, mixed: 1800, down: 200 } })],
      nodes,
    });
    expect(frames[1]?.length).toBe(2100);
    expect(col(frames[1], 'node')[1999]).toBe('n1899');
    expect(col(frames[0], 'total')[0]).toBe(2000);
    expect(col(frames[0], 'allocated')[0]).toBe(1800);
  });

  test('missing fields and nulls: never throws; counts default to 0, unknown figures to NaN', () => {
    const frames = availabilityFrames({
      partitions: [{ partition: 'p', nodes: null, cpus: { byState: null, total: null }, memoryBytes: 'x' }, null, 7],
      nodes: [{ node: 'n1', state: null }, null],
    });
    const f = frames[0];
    const i = rowOf(f, 'p', 'cpus');
    expect(col(f, 'idle')[i]).toBe(0);
    expect(col(f, 'total')[i]).toBeNaN();
    expect(col(f, 'free_1h')[i]).toBeNaN();
    expect(col(f, 'available')[i]).toBe(0);
    expect(col(frames[1], 'partition')).toEqual(['', '']);
    expect(col(frames[1], 'state')).toEqual(['', '']);
    expect(availabilityFrames(null)).toHaveLength(1);
    expect(availabilityFrames('not json')[0]?.length).toBe(0);
  });

  test('NaN: non-numeric figures become NaN (freeWithin from an older ctld: NaN, not 0)', () => {
    const p = partition('p', { cpus: { ...counts(8, 8), available: 'many', freeWithin: undefined } });
    const [f] = availabilityFrames({ partitions: [p] });
    const i = rowOf(f, 'p', 'cpus');
    expect(col(f, 'available')[i]).toBe(8); // idle + preemptable when ctld's own figure is unusable
    expect(col(f, 'free_6h')[i]).toBeNaN();
  });

  test('stale answers: freshness keys beside the data change nothing in the frames', () => {
    const body = { partitions: [partition('p')] };
    const stale = { snapshotMs: 1, snapshotAgeSeconds: 400, stale: true, error: 'sinfo: timed out', ...body };
    expect(col(availabilityFrames(stale)[0], 'total')).toEqual(col(availabilityFrames(body)[0], 'total'));
  });
});
