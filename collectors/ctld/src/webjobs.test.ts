import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NodeReport } from '@slurmscope/common';
import { computeWebjobs, computeWebjobsPaced, imbalance, webjobsFamilies } from './webjobs.js';
import type { JobInfo } from './slurm/types.js';

const NOW = 1_700_000_000_000;
const job: JobInfo = {
  jobid: '42',
  displayId: '42',
  user: 'alice',
  account: 'a',
  partition: 'batch',
  state: 'RUNNING',
  nodes: ['n1', 'n2'],
  cpus: 8,
  memoryBytes: 0,
  gpus: 0,
  gpusByType: {},
};

function report(
  node: string,
  util: number | undefined,
  o: Partial<NodeReport> = {},
  gpus: NodeReport['jobs'][number]['gpus'] = [],
): NodeReport {
  return {
    version: 1,
    node,
    timestampMs: NOW - 1000,
    intervalMs: 10_000,
    cpus: 16,
    power: {},
    jobs: [
      {
        jobid: '42',
        cpus: 4,
        cpuSeconds: 100,
        ...(util === undefined ? {} : { cpuUtilization: util }),
        memoryUsedBytes: 1000,
        gpuSeconds: 0,
        gpus,
      },
    ],
    ...o,
  };
}

test('imbalance: named cases', () => {
  const cases: Array<[string, number[], number]> = [
    ['even', [0.5, 0.5], 0],
    ['one node idle', [1, 0], 1],
    ['one value', [0.7], 0],
    ['all zero', [0, 0], 0],
    ['uneven', [1, 0.25, 0.5], 0.75],
  ];
  for (const [name, v, want] of cases) assert.equal(imbalance(v), want, name);
});

test('computeWebjobs: burn on one node, sleep on the other', () => {
  const [w] = computeWebjobs({ jobs: [job], reports: [report('n1', 1), report('n2', 0)], nowMs: NOW });
  assert.equal(w?.loadImbalance, 1);
  assert.equal(w?.cpuEfficiency, 0.5);
  assert.equal(w?.memoryUsedBytes, 2000);
  assert.equal(w?.gpuEfficiency, undefined, 'no GPUs: absent, not 0');
});

test('computeWebjobs: stale, first-sample and missing reports', () => {
  const stale = report('n2', 0, { timestampMs: NOW - 31_000 });
  const cases: Array<[string, NodeReport[], number | undefined, boolean[]]> = [
    ['report older than 3 intervals ignored', [report('n1', 0.8), stale], 0, [true, false]],
    ['first sample has no utilization', [report('n1', 0.8), report('n2', undefined)], 0, [true, true]],
    ['no reports at all', [], undefined, [false, false]],
  ];
  for (const [name, reports, imb, reported] of cases) {
    const [w] = computeWebjobs({ jobs: [job], reports, nowMs: NOW });
    assert.equal(w?.loadImbalance, imb, name);
    assert.deepEqual(
      w?.nodes.map((n) => n.reported),
      reported,
      name,
    );
  }
});

test('computeWebjobs: the newest report of a node wins; GPU efficiency is the mean', () => {
  const old = report('n1', 0.1, { timestampMs: NOW - 5000 });
  const gpus = [
    { index: 0, utilization: 0.9, memoryUsedBytes: 10 },
    { index: 1, utilization: 0.1 },
  ];
  const [w] = computeWebjobs({
    jobs: [job],
    reports: [report('n1', 0.9, {}, gpus), old, report('n2', 0.9)],
    nowMs: NOW,
  });
  assert.equal(w?.loadImbalance, 0);
  assert.ok(Math.abs((w?.gpuEfficiency ?? 0) - 0.5) < 1e-9);
  const fams = webjobsFamilies(
    computeWebjobs({ jobs: [job], reports: [report('n1', 0.9, {}, gpus), report('n2', 0.9)], nowMs: NOW }),
  );
  assert.deepEqual(
    fams.map((f) => f.name),
    [
      'slurmscope_job_load_imbalance_ratio',
      'slurmscope_job_cpu_efficiency_ratio',
      'slurmscope_job_gpu_efficiency_ratio',
    ],
  );
  assert.deepEqual(fams[0]?.samples, [{ labels: { jobid: '42' }, value: 0 }]);
  assert.equal(webjobsFamilies(computeWebjobs({ jobs: [job], reports: [], nowMs: NOW }))[2]?.samples.length, 0);
});

test('computeWebjobsPaced: the same webjobs as computeWebjobs, pausing between slices', async () => {
  const jobs = Array.from({ length: 2000 }, (_, i): JobInfo => ({
    ...job,
    jobid: String(i),
    displayId: String(i),
    state: i % 10 === 0 ? 'COMPLETING' : 'RUNNING',
    nodes: [`n${i % 50}`],
  }));
  const reports = Array.from({ length: 50 }, (_, n) => ({
    ...report(`n${n}`, 0.5),
    jobs: jobs.filter((_, i) => i % 50 === n).map((j) => ({ ...report('x', n / 50).jobs[0]!, jobid: j.jobid })),
  }));
  let pauses = 0;
  const paced = await computeWebjobsPaced(
    { jobs, reports, nowMs: NOW },
    { budgetMs: 0, pause: () => (pauses++, Promise.resolve()) },
  );
  assert.deepEqual(paced, computeWebjobs({ jobs, reports, nowMs: NOW }));
  assert.equal(paced.length, 1800);
  assert.ok(pauses >= 5, `paused ${pauses} times`);
});
