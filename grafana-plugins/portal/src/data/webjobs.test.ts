import { webjobsFrames } from './webjobs';
import { col } from './testkit';

function node(name: string, cpu: number | undefined, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { node: name, reported: true, cpus: 4, cpuUtilization: cpu, memoryUsedBytes: 1e9, gpus: [], ...extra };
}

function job(id: string, nodes: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { jobid: id, displayId: id, user: 'alice', partition: 'batch', allocatedCpus: 4, nodes, ...extra };
}

describe('webjobsFrames', () => {
  test('empty: no jobs gives an empty frame with the CPU fields and no gpu_util; no findings frame unless asked', () => {
    const frames = webjobsFrames({ jobs: [] });
    expect(frames).toHaveLength(1);
    expect(frames[0]?.fields.map((f) => f.name)).toEqual(['jobid', 'node', 'cpu_util', 'user', 'mem_used_bytes']);
    expect(webjobsFrames({ jobs: [] }, { findings: [] })[1]?.fields.map((f) => f.name)).toEqual(['jobid', 'kind']);
  });

  test('a job on one node: one row with its figures; jobid is the id users know', () => {
    const [f] = webjobsFrames({ jobs: [job('1234_5', [node('node-a', 0.35)], { jobid: '1240' })] });
    expect(col(f, 'jobid')).toEqual(['1234_5']);
    expect(col(f, 'node')).toEqual(['node-a']);
    expect(col(f, 'cpu_util')).toEqual([0.35]);
    expect(col(f, 'user')).toEqual(['alice']);
    expect(col(f, 'mem_used_bytes')).toEqual([1e9]);
  });

  test('one node, GPUs: gpu_util is the mean of the reported GPUs; a node without GPUs gets NaN', () => {
    const gpus = [{ index: 0, utilization: 0.2 }, { index: 1, utilization: 0.6 }, { index: 2 }];
    const [f] = webjobsFrames({ jobs: [job('1', [node('g1', 0.5, { gpus })]), job('2', [node('c1', 0.9)])] });
    const g = col(f, 'gpu_util') as number[];
    expect(g[0]).toBeCloseTo(0.4, 10);
    expect(g[1]).toBeNaN();
  });

  test('2,000 nodes: one row per job and node, in order', () => {
    const jobs = Array.from({ length: 500 }, (_, j) =>
      job(
        String(j),
        Array.from({ length: 4 }, (_, n) => node(`n${j * 4 + n}`, n / 4)),
      ),
    );
    const [f] = webjobsFrames({ jobs });
    expect(f?.length).toBe(2000);
    expect(col(f, 'node')[1999]).toBe('n1999');
    expect(col(f, 'cpu_util')[1999]).toBe(0.75);
  });

  test('missing fields and nulls: unreported nodes keep their row with NaN figures; junk never throws', () => {
    const [f] = webjobsFrames({
      jobs: [
        job('7', [node('a', 0.9, { reported: false }), { node: 'b', gpus: null }, null], {
          displayId: null,
          user: null,
        }),
        null,
      ],
    });
    expect(col(f, 'jobid')).toEqual(['7', '7', '7']);
    expect(col(f, 'node')).toEqual(['a', 'b', '']);
    expect((col(f, 'cpu_util') as number[]).every(Number.isNaN)).toBe(true);
    expect(col(f, 'user')).toEqual(['', '', '']);
    expect(webjobsFrames(undefined)[0]?.length).toBe(0);
  });

  test('NaN: a node that reports no cpuUtilization has NaN, not 0 (an idle job is 0, unknown is not)', () => {
    const [f] = webjobsFrames({ jobs: [job('1', [node('a', undefined), node('b', 0)])] });
    const c = col(f, 'cpu_util') as number[];
    expect(c[0]).toBeNaN();
    expect(c[1]).toBe(0);
  });

  test('findings: jobid = displayId (else jobid), kind; findings without a kind are left out', () => {
    const findings = [
      { jobid: '1240', displayId: '1234_5', kind: 'uneven_load', user: 'alice' },
      { jobid: '99', kind: 'idle_gpus' },
      { jobid: '100' },
    ];
    const frames = webjobsFrames({ jobs: [] }, { findings, snapshotAgeSeconds: 2 });
    expect(col(frames[1], 'jobid')).toEqual(['1234_5', '99']);
    expect(col(frames[1], 'kind')).toEqual(['uneven_load', 'idle_gpus']);
    expect(frames[1]?.fields.some((x) => x.name === 'node')).toBe(false);
  });

  test('stale answers: the jobs of a stale answer are still shaped (the page marks it stale)', () => {
    const [f] = webjobsFrames({
      stale: true,
      error: 'squeue failed',
      snapshotAgeSeconds: 300,
      jobs: [job('3', [node('a', 0.1)])],
    });
    expect(col(f, 'jobid')).toEqual(['3']);
  });
});
