import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Webjob, WebjobNode } from '../../webjobs.js';
import { SUSTAINED_CHECKS, oomKilled, type CheckResult } from './index.js';

const GiB = 2 ** 30;
const node = (name: string, o: Partial<WebjobNode> = {}): WebjobNode => ({
  node: name,
  reported: true,
  cpus: 4,
  gpus: [],
  ...o,
});
const job = (nodes: WebjobNode[], o: Partial<Webjob> = {}): Webjob => ({
  jobid: '1',
  displayId: '1',
  user: 'alice',
  partition: 'batch',
  allocatedCpus: 8,
  nodes,
  ...o,
});
const summary = (r: CheckResult): string | [boolean, number] =>
  r.measured ? [r.holds, Math.round(r.value * 1000) / 1000] : 'unmeasured';

test('uneven_load: multi-node jobs with two measured nodes, at or above the threshold', () => {
  const two = [node('c0412', { cpuUtilization: 0.03 }), node('c0413', { cpuUtilization: 0.97 })];
  const cases: [string, Webjob, ReturnType<typeof summary>][] = [
    ['uneven two-node job', job(two, { loadImbalance: 0.94 / 0.97 }), [true, 0.969]],
    ['at the threshold', job(two, { loadImbalance: 0.5 }), [true, 0.5]],
    ['below', job(two, { loadImbalance: 0.49 }), [false, 0.49]],
    ['one node', job([node('a', { cpuUtilization: 0.1 })], { loadImbalance: 0 }), 'unmeasured'],
    [
      'one of two nodes measured',
      job([node('a', { cpuUtilization: 0.1 }), node('b', { reported: false })], { loadImbalance: 0 }),
      'unmeasured',
    ],
    ['no report at all', job([node('a', { reported: false }), node('b', { reported: false })]), 'unmeasured'],
  ];
  for (const [name, w, want] of cases) assert.deepEqual(summary(SUSTAINED_CHECKS.uneven_load(w, 0.5)), want, name);
  const r = SUSTAINED_CHECKS.uneven_load(job(two, { loadImbalance: 0.94 / 0.97 }), 0.5);
  assert.ok(r.measured);
  assert.deepEqual(
    r.nodes.map((n) => `node ${n.node}: ${n.text}`),
    ['node c0412: CPU 3 %', 'node c0413: CPU 97 %'],
    'the idlest node first',
  );
  assert.match(r.message, /differed by 97 % between the busiest and the idlest node/);
});

test('low_cpu_efficiency: below the threshold, per-node CPU figures', () => {
  const cases: [string, Webjob, ReturnType<typeof summary>][] = [
    ['idle job', job([node('a', { cpuUtilization: 0.1 })], { cpuEfficiency: 0.1 }), [true, 0.1]],
    ['at the threshold', job([node('a', { cpuUtilization: 0.3 })], { cpuEfficiency: 0.3 }), [false, 0.3]],
    ['not measured yet (first sample)', job([node('a')]), 'unmeasured'],
  ];
  for (const [name, w, want] of cases)
    assert.deepEqual(summary(SUSTAINED_CHECKS.low_cpu_efficiency(w, 0.3)), want, name);
  const r = SUSTAINED_CHECKS.low_cpu_efficiency(
    job([node('b', { cpuUtilization: 0.2 }), node('a', { cpuUtilization: 0.04, cpus: 8 })], { cpuEfficiency: 0.09 }),
    0.3,
  );
  assert.ok(r.measured);
  assert.deepEqual(
    r.nodes.map((n) => n.text),
    ['CPU 4 %', 'CPU 20 %'],
  );
  assert.match(r.message, /used 9 % of the 12 CPUs it holds \(below 30 %\)/);
});

test('idle_gpus: any allocated GPU below the threshold', () => {
  const gpus = (...u: (number | undefined)[]) =>
    job([node('g1', { gpus: u.map((v, index) => (v === undefined ? { index } : { index, utilization: v })) })]);
  const cases: [string, Webjob, ReturnType<typeof summary>][] = [
    ['one idle of two', gpus(0.9, 0.01), [true, 0.01]],
    ['at the threshold', gpus(0.05, 0.9), [false, 0.05]],
    ['all busy', gpus(0.9, 0.8), [false, 0.8]],
    ['no GPU figure', gpus(undefined), 'unmeasured'],
    ['no GPUs', job([node('a', { cpuUtilization: 1 })]), 'unmeasured'],
  ];
  for (const [name, w, want] of cases) assert.deepEqual(summary(SUSTAINED_CHECKS.idle_gpus(w, 0.05)), want, name);
  const r = SUSTAINED_CHECKS.idle_gpus(gpus(0.9, 0), 0.05);
  assert.ok(r.measured);
  assert.deepEqual(
    r.nodes.map((n) => `${n.node} ${n.text}`),
    ['g1 GPU 1: 0 %', 'g1 GPU 0: 90 %'],
  );
  assert.match(r.message, /1 of the 2 GPUs the job holds ran below 5 %/);
});

test('memory_near_limit: the working set (usage minus inactive file cache) over the limit on any node', () => {
  const cases: [string, Webjob, ReturnType<typeof summary>][] = [
    [
      'working set at 96 %',
      job([node('a', { memoryUsedBytes: 0.96 * 8 * GiB, memoryLimitBytes: 8 * GiB })]),
      [true, 0.96],
    ],
    [
      'page cache in the peak is no risk: peak 99 %, working set 20 %',
      job([
        node('a', { memoryPeakBytes: 0.99 * 64 * GiB, memoryUsedBytes: 0.2 * 64 * GiB, memoryLimitBytes: 64 * GiB }),
      ]),
      [false, 0.2],
    ],
    ['94 %', job([node('a', { memoryUsedBytes: 0.94 * GiB, memoryLimitBytes: GiB })]), [false, 0.94]],
    [
      'a peak without a working set figure',
      job([node('a', { memoryPeakBytes: GiB, memoryLimitBytes: GiB })]),
      'unmeasured',
    ],
    ['no limit (unlimited)', job([node('a', { memoryPeakBytes: 64 * GiB, memoryUsedBytes: 1 })]), 'unmeasured'],
    ['no report', job([node('a', { reported: false })]), 'unmeasured'],
  ];
  for (const [name, w, want] of cases)
    assert.deepEqual(summary(SUSTAINED_CHECKS.memory_near_limit(w, 0.95)), want, name);
  const r = SUSTAINED_CHECKS.memory_near_limit(
    job([
      node('a', { memoryUsedBytes: 10 * GiB, memoryPeakBytes: 63 * GiB, memoryLimitBytes: 64 * GiB }),
      node('b', { memoryUsedBytes: 61.2 * GiB, memoryLimitBytes: 64 * GiB }),
    ]),
    0.95,
  );
  assert.ok(r.measured);
  assert.deepEqual(
    r.nodes.map((n) => `${n.node}: ${n.text}`),
    ['b: memory 61.2 of 64.0 GiB', 'a: memory 10.0 of 64.0 GiB'],
  );
  assert.match(r.message, /working set\) reached 96 % of the job's limit on b/);
});

test('oom_killed: a rise over the count last seen, or above 0 at first sight', () => {
  const w = (...k: (number | undefined)[]) =>
    job(k.map((oomKills, i) => node(`n${i}`, oomKills === undefined ? {} : { oomKills })));
  const cases: [string, Webjob, Record<string, number>, boolean, number][] = [
    ['first sight, 0', w(0, 0), {}, false, 0],
    ['first sight, 2', w(2, 0), {}, true, 2],
    ['unchanged', w(2, 0), { n0: 2, n1: 0 }, false, 2],
    ['rose on another node', w(2, 1), { n0: 2, n1: 0 }, true, 3],
    ['no figure (v1 without oom_kill, no report)', w(undefined), { n0: 1 }, false, 1],
    ['lower than before: the new base, not a rise', w(0), { n0: 1 }, false, 0],
  ];
  for (const [name, job_, seen, rose, total] of cases) {
    const r = oomKilled(job_, seen);
    assert.deepEqual([r.rose, r.total], [rose, total], name);
  }
  const r = oomKilled(w(2, 1), {});
  assert.deepEqual(r.seen, { n0: 2, n1: 1 });
  assert.deepEqual(
    r.nodes.map((n) => `${n.node}: ${n.text}`),
    ['n0: 2 OOM kills', 'n1: 1 OOM kill'],
  );
  assert.match(r.message, /killed 3 processes of the job/);
});
