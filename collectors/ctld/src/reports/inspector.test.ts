import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inspectorSection } from '@slurmscope/common';
import type { RaisedFinding } from '../inspector/types.js';
import { DEFAULT_INSPECTOR, inspectJob, type InspectorInput } from './inspector.js';

// A job that ran 2 h: longer than every default grace + sustain (at most 40 min).
const base: InspectorInput = {
  user: 'alice',
  account: 'physics',
  partition: 'batch',
  elapsedSeconds: 7200,
  gpus: 0,
  memoryRequestedBytes: 0,
};
const kinds = (i: InspectorInput, config = DEFAULT_INSPECTOR, live: RaisedFinding[] = []): string[] =>
  inspectJob(i, config, live).map((f) => f.kind);

test('inspectJob: each finding at its default threshold, and none for unmeasured figures', () => {
  const cases: [string, InspectorInput, string[]][] = [
    ['nothing measured', base, []],
    ['efficient job', { ...base, cpuEfficiency: 0.9, loadImbalance: 0.1 }, []],
    ['low cpu efficiency', { ...base, cpuEfficiency: 0.29 }, ['low_cpu_efficiency']],
    ['cpu efficiency at the threshold', { ...base, cpuEfficiency: 0.3 }, []],
    ['idle GPUs', { ...base, gpus: 2, gpuUtilization: 0.04 }, ['idle_gpus']],
    ['busy GPUs', { ...base, gpus: 2, gpuUtilization: 0.05 }, []],
    ['GPU figure without GPUs held', { ...base, gpus: 0, gpuUtilization: 0 }, []],
    ['GPUs held, utilization unmeasured', { ...base, gpus: 4 }, []],
    ['uneven load at the threshold', { ...base, loadImbalance: 0.5 }, ['uneven_load']],
    ['even enough', { ...base, loadImbalance: 0.49 }, []],
    ['memory over-request', { ...base, memoryPeakBytes: 29, memoryRequestedBytes: 100 }, ['memory_over_request']],
    ['memory well used', { ...base, memoryPeakBytes: 30, memoryRequestedBytes: 100 }, []],
    ['no memory request', { ...base, memoryPeakBytes: 1, memoryRequestedBytes: 0 }, []],
    ['time limit over-request', { ...base, elapsedSeconds: 700, timeLimitSeconds: 7200 }, ['time_limit_over_request']],
    ['time limit at 10 %', { ...base, elapsedSeconds: 720, timeLimitSeconds: 7200 }, []],
    ['time limit under 1 h not judged', { ...base, elapsedSeconds: 60, timeLimitSeconds: 3540 }, []],
    ['unlimited time limit', { ...base, elapsedSeconds: 60 }, []],
    [
      'everything wrong, in FINDING_KINDS order',
      {
        ...base,
        gpus: 1,
        gpuUtilization: 0,
        cpuEfficiency: 0.1,
        loadImbalance: 1,
        memoryPeakBytes: 1,
        memoryRequestedBytes: 100,
        timeLimitSeconds: 7 * 24 * 3600,
      },
      ['idle_gpus', 'uneven_load', 'low_cpu_efficiency', 'memory_over_request', 'time_limit_over_request'],
    ],
  ];
  for (const [name, input, want] of cases) {
    const f = inspectJob(input);
    assert.deepEqual(
      f.map((x) => x.kind),
      want,
      name,
    );
    for (const x of f) assert.ok(x.message.length > 10 && Number.isFinite(x.value), name);
  }
  const [mem] = inspectJob({ ...base, memoryPeakBytes: 10, memoryRequestedBytes: 100 });
  assert.equal(mem?.value, 0.1);
  assert.match(mem?.message ?? '', /10 % of the memory requested/);
  const [time] = inspectJob({ ...base, elapsedSeconds: 600, timeLimitSeconds: 4 * 3600 });
  assert.match(time?.message ?? '', /ran 10 min of its 4.0 h time limit \(4 %, below 10 %\)/);
});

test('inspectJob: thresholds, switches, overrides and exemptions come from the config', () => {
  const cfg = (o: unknown) => inspectorSection.parse(o);
  const low = { ...base, cpuEfficiency: 0.35 };
  assert.deepEqual(kinds(low), [], 'default threshold 0.3');
  assert.deepEqual(kinds(low, cfg({ rules: { low_cpu_efficiency: { threshold: 0.4 } } })), ['low_cpu_efficiency']);
  const over = cfg({ partitions: { debug: { low_cpu_efficiency: { threshold: 0.4 } } } });
  assert.deepEqual(kinds(low, over), [], 'another partition keeps the rule');
  assert.deepEqual(kinds({ ...low, partition: 'debug' }, over), ['low_cpu_efficiency'], "the partition's threshold");
  const bad = { ...base, cpuEfficiency: 0.1, memoryPeakBytes: 1, memoryRequestedBytes: 100 };
  assert.deepEqual(kinds(bad, cfg({ rules: { memory_over_request: { enabled: false } } })), ['low_cpu_efficiency']);
  assert.deepEqual(kinds(bad, cfg({ partitions: { batch: { low_cpu_efficiency: { enabled: false } } } })), [
    'memory_over_request',
  ]);
  assert.deepEqual(kinds(bad, cfg({ exempt: { users: ['alice'] } })), [], 'exempt user');
  assert.deepEqual(kinds(bad, cfg({ exempt: { accounts: ['physics'] } })), [], 'exempt account');
  assert.deepEqual(kinds(bad, cfg({ enabled: false })), [], 'inspector off');
  const long = { ...base, elapsedSeconds: 1800, timeLimitSeconds: 2 * 3600 };
  assert.deepEqual(kinds(long, cfg({ rules: { time_limit_over_request: { threshold: 0.3 } } })), [
    'time_limit_over_request',
  ]);
  assert.deepEqual(
    kinds(long, cfg({ rules: { time_limit_over_request: { threshold: 0.3, minTimeLimit: '3h' } } })),
    [],
  );
});

test('inspectJob: whole-job figures of a live kind only for jobs that ran its grace + sustain', () => {
  // low_cpu_efficiency: grace 10 min + sustain 30 min.
  assert.deepEqual(kinds({ ...base, cpuEfficiency: 0.1, elapsedSeconds: 39 * 60 }), []);
  assert.deepEqual(kinds({ ...base, cpuEfficiency: 0.1, elapsedSeconds: 40 * 60 }), ['low_cpu_efficiency']);
  assert.deepEqual(kinds({ ...base, cpuEfficiency: 0.1, elapsedSeconds: undefined } as InspectorInput), []);
});

test('inspectJob: a live finding is listed as raised (warning, raised_at, nodes, cost) instead of the whole-job figure', () => {
  const raised: RaisedFinding = {
    jobid: '7',
    displayId: '7',
    cluster: 'c',
    user: 'alice',
    account: 'physics',
    partition: 'batch',
    kind: 'uneven_load',
    raisedAtMs: Date.parse('2026-01-02T03:04:05Z'),
    elapsedSeconds: 1500,
    value: 0.94,
    threshold: 0.5,
    message: 'CPU load differed by 94 %',
    nodes: [
      { node: 'c0412', text: 'CPU 3 %', value: 0.03 },
      { node: 'c0413', text: 'CPU 97 %', value: 0.97 },
    ],
    cost: { idleCpuHours: 2.5 },
  };
  const oom: RaisedFinding = { ...raised, kind: 'oom_killed', value: 2, message: 'killed', nodes: [], cost: {} };
  const f = inspectJob({ ...base, loadImbalance: 0.6 }, DEFAULT_INSPECTOR, [raised, oom]);
  assert.deepEqual(f, [
    {
      kind: 'oom_killed',
      severity: 'warning',
      message: 'killed',
      value: 2,
      raised_at: '2026-01-02T03:04:05.000Z',
      nodes: [],
    },
    {
      kind: 'uneven_load',
      severity: 'warning',
      message: 'CPU load differed by 94 %',
      value: 0.94,
      raised_at: '2026-01-02T03:04:05.000Z',
      nodes: raised.nodes,
      cost: { idle_cpu_hours: 2.5 },
    },
  ]);
});
