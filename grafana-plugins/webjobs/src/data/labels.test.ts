import { band, cellLabel, kindName, normalizeThresholds, rowLabel } from './labels';

describe('labels', () => {
  test('cell labels: CPU, GPU, small values, no data', () => {
    expect(cellLabel('42', 'node-a', 'cpu', 0.35)).toBe('job 42 on node-a: CPU 35 %');
    expect(cellLabel('42', 'node-a', 'gpu', 0.8)).toBe('job 42 on node-a: GPU 80 %');
    expect(cellLabel('42', 'node-a', 'cpu', 0.004)).toBe('job 42 on node-a: CPU 0.4 %');
    expect(cellLabel('42', 'node-b', 'cpu', undefined)).toBe('job 42 on node-b: no data');
  });

  test('kind names: known kinds read as words, unknown ones lose their underscores', () => {
    expect(kindName('uneven_load')).toBe('uneven load');
    expect(kindName('idle_gpus')).toBe('idle GPUs');
    expect(kindName('oom_killed')).toBe('OOM killed');
    expect(kindName('new_kind_x')).toBe('new kind x');
  });

  test('bands at the edges: low and good are inclusive lower bounds', () => {
    const t = { low: 0.25, good: 0.75 };
    expect([0, 0.2499, 0.25, 0.7499, 0.75, 1.2, undefined].map((v) => band(v, t))).toEqual([
      'idle',
      'idle',
      'low',
      'low',
      'good',
      'good',
      'none',
    ]);
  });

  test('thresholds clamped to 0..1, NaN replaced by the default, swapped when reversed', () => {
    expect(normalizeThresholds(-1, 2)).toEqual({ low: 0, good: 1 });
    expect(normalizeThresholds(NaN, NaN)).toEqual({ low: 0.25, good: 0.75 });
    expect(normalizeThresholds(0.8, 0.2)).toEqual({ low: 0.2, good: 0.8 });
  });

  test('row label: imbalance only with several nodes, no data mean in words', () => {
    expect(
      rowLabel({
        jobid: '1',
        user: 'ann',
        nodes: 3,
        metric: 'gpu',
        mean: 0.5,
        imbalance: 0.9,
        findings: ['idle_gpus'],
      }),
    ).toBe('job 1 of ann, 3 nodes, mean GPU 50 %, imbalance 90 %, findings: idle GPUs');
    expect(rowLabel({ jobid: '2', nodes: 2, metric: 'cpu', findings: [] })).toBe('job 2, 2 nodes, mean CPU: no data');
  });
});
