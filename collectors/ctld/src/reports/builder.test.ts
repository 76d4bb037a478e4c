import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inspectorSection } from '@slurmscope/common';
import { constantIntensity, seriesIntensity } from '../co2.js';
import type { RaisedFinding } from '../inspector/types.js';
import { buildReport, type BuildInput } from './builder.js';
import { jobInfo, nodeReport, reportJob } from './testkit.js';
import { JobTracker } from './tracker.js';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const H = 3600_000;
const co2 = { pue: 1, basis: 'lifecycle', source: 'constant', nodeOverheadWatts: 0 } as const;

test('report without any energy measurement: energy and CO2 are null, never 0', () => {
  const tr = new JobTracker({
    profilePoints: 10,
    pue: 1,
    nodeOverheadWatts: 25,
    intensity: constantIntensity(300, 'lifecycle'),
  });
  const job = jobInfo({ jobid: '13', displayId: '8_1', arrayJobId: '8', arrayTaskId: '1', startTimeMs: T0 });
  tr.observe(
    T0 + 30_000,
    [job],
    [
      nodeReport('n1', T0 + 30_000, [
        reportJob({ jobid: '13', cpuSeconds: 6, cpuUtilization: 0.1, memoryUsedBytes: 100, script: '#!/bin/sh\nA\n' }),
      ]),
    ],
  );
  tr.observe(
    T0 + 60_000,
    [job],
    [
      nodeReport('n1', T0 + 60_000, [
        reportJob({
          jobid: '13',
          cpuSeconds: 12,
          cpuUtilization: 0.1,
          memoryUsedBytes: 200,
          memoryPeakBytes: 300,
          script: '#!/bin/sh\nB\n',
        }),
      ]),
    ],
  );
  const t = tr.jobs.get('13');
  assert.ok(t);
  const r = buildReport({
    cluster: 'c',
    job: t,
    nowMs: T0 + 90_000,
    co2,
    record: {
      jobid: '13',
      displayId: '8_1',
      state: 'COMPLETED',
      exitCode: '0:0',
      startMs: T0,
      endMs: T0 + 60_000,
      elapsedSeconds: 60,
    },
  });
  assert.equal(r.energy_joules, null);
  assert.equal(r.co2_grams, null);
  assert.deepEqual(r.energy, { measured_joules: null, overhead_joules: null, kwh: null });
  assert.equal(r.co2.intensity_g_per_kwh, null);
  assert.equal(r.per_node[0]?.energy_joules, null);
  assert.equal(r.jobid, '13');
  assert.equal(r.array_job, '8_1');
  assert.equal(r.het_job, null);
  assert.equal(r.state, 'COMPLETED');
  assert.equal(r.script, '#!/bin/sh\nA\n', 'the first script seen');
  assert.equal(r.script_source, 'agent');
  assert.equal(r.cpu_seconds, 12);
  assert.equal(r.used.cpu_efficiency, 0.1); // 12 CPU s / (2 CPUs x 60 s)
  assert.equal(r.used.memory_peak_bytes, 300);
  // 10 % CPU, but a 60 s job is not held to the whole-job CPU figure (low_cpu_efficiency's grace
  // + sustain is 40 min); its memory peak is judged at the end whatever its length.
  assert.deepEqual(
    r.findings.map((f) => f.kind),
    ['memory_over_request'],
  );
  assert.equal(r.profile.points.length, 2);
  assert.equal(r.profile.points[0]?.power_watts, null);
  assert.match(r.co2.note, /fallback used: no/);
  const json = JSON.parse(JSON.stringify(r)) as Record<string, unknown>;
  for (const k of ['jobid', 'user', 'state', 'script', 'cpu_seconds', 'energy_joules', 'co2_grams'])
    assert.ok(k in json, k);
});

test('energy per interval priced at the intensity then, plus per-node overhead; duplicates counted once', () => {
  const series = [
    { tMs: T0, gPerKwh: 300 },
    { tMs: T0 + H, gPerKwh: 150 },
  ];
  const tr = new JobTracker({
    profilePoints: 10,
    pue: 1.5,
    nodeOverheadWatts: 10,
    intensity: seriesIntensity(series, 999, 'direct'),
  });
  const job = jobInfo({
    jobid: '10',
    hetJobId: '10',
    hetJobOffset: 0,
    displayId: '10+0',
    nodes: ['n1', 'n2'],
    cpus: 4,
    startTimeMs: T0,
  });
  const first = [
    nodeReport('n1', T0 + 30_000, [reportJob({ jobid: '10', cpuSeconds: 60, energyJoules: 3.6e6 })]),
    nodeReport('n2', T0 + 30_000, [reportJob({ jobid: '10', cpuSeconds: 0 })]), // no RAPL on n2
  ];
  tr.observe(T0 + 30_000, [job], first);
  tr.observe(T0 + 40_000, [job], first); // the same reports again: nothing added
  tr.observe(
    T0 + H + 30_000,
    [job],
    [nodeReport('n1', T0 + H + 30_000, [reportJob({ jobid: '10', cpuSeconds: 120, energyJoules: 3.6e6 + 7.2e6 })])],
  );
  const t = tr.jobs.get('10');
  assert.ok(t);
  const input: BuildInput = {
    cluster: 'c',
    job: t,
    nowMs: T0 + 2 * H,
    co2: { ...co2, source: 'csv', basis: 'direct', pue: 1.5, nodeOverheadWatts: 10 },
  };
  const r = buildReport(input);
  // Overhead: 10 W x 30 s (since the start) on the first report, 10 W x 3600 s on the second; n2 measured nothing.
  const oh1 = 300;
  const oh2 = 36_000;
  assert.equal(r.energy.measured_joules, 3.6e6 + 7.2e6);
  assert.equal(r.energy.overhead_joules, oh1 + oh2);
  assert.equal(r.energy_joules, 3.6e6 + 7.2e6 + oh1 + oh2);
  const want = (((3.6e6 + oh1) / 3.6e6) * 300 + ((7.2e6 + oh2) / 3.6e6) * 150) * 1.5;
  assert.ok(Math.abs((r.co2_grams ?? 0) - want) < 1e-6, `${r.co2_grams} != ${want}`);
  assert.deepEqual(
    r.per_node.map((n) => [n.node, n.energy_joules]),
    [
      ['n1', 3.6e6 + 7.2e6],
      ['n2', null],
    ],
  );
  assert.equal(r.het_job, '10+0');
  assert.equal(r.state, 'UNKNOWN');
  assert.equal(r.record_source, 'ctld');
  assert.equal(r.script, null);
  assert.equal(r.used.load_imbalance, 1, 'n1 busy, n2 idle');
  assert.ok(r.findings.some((f) => f.kind === 'uneven_load'));
  assert.match(r.co2.note, /basis: direct; source: csv \(fallback used: no\)/);
  assert.match(r.co2.note, /10 W per node/);
});

test('a CSV series without a value at the time falls back to the constant and says so', () => {
  const tr = new JobTracker({
    profilePoints: 10,
    pue: 1,
    nodeOverheadWatts: 0,
    intensity: seriesIntensity([{ tMs: T0 + H, gPerKwh: 1 }], 200, 'lifecycle'),
  });
  const job = jobInfo({ jobid: '5', startTimeMs: T0 });
  tr.observe(T0 + 30_000, [job], [nodeReport('n1', T0 + 30_000, [reportJob({ jobid: '5', energyJoules: 3.6e6 })])]);
  const t = tr.jobs.get('5');
  assert.ok(t);
  const r = buildReport({ cluster: 'c', job: t, nowMs: T0 + H, co2: { ...co2, source: 'csv' } });
  assert.equal(r.co2_grams, 200);
  assert.equal(r.co2.fallback_used, true);
  assert.match(r.co2.note, /fallback used: yes/);
});

test('the live findings raised while the job ran are in its report; thresholds and time limit from the inspector config', () => {
  const tr = new JobTracker({
    profilePoints: 10,
    pue: 1,
    nodeOverheadWatts: 0,
    intensity: constantIntensity(300, 'lifecycle'),
  });
  const job = jobInfo({ jobid: '21', startTimeMs: T0, timeLimitSeconds: 24 * 3600, partition: 'gpu' });
  tr.observe(
    T0 + 60_000,
    [job],
    [nodeReport('n1', T0 + 60_000, [reportJob({ jobid: '21', cpuSeconds: 6480, memoryPeakBytes: 0.9 * 1024 ** 3 })])],
  );
  const t = tr.jobs.get('21');
  assert.ok(t);
  const live: RaisedFinding = {
    jobid: '21',
    displayId: '21',
    cluster: 'c',
    user: 'alice',
    account: 'physics',
    partition: 'gpu',
    kind: 'idle_gpus',
    raisedAtMs: T0 + 30 * 60_000,
    elapsedSeconds: 1800,
    value: 0,
    threshold: 0.05,
    message: '1 of the 1 GPUs the job holds ran below 5 % utilization',
    nodes: [{ node: 'n1', text: 'GPU 0: 0 %', value: 0 }],
    cost: { idleGpuHours: 0.25 },
  };
  const record = {
    jobid: '21',
    displayId: '21',
    state: 'COMPLETED',
    exitCode: '0:0',
    startMs: T0,
    endMs: T0 + H,
    elapsedSeconds: 3600,
  };
  const build = (inspector = inspectorSection.parse({})) =>
    buildReport({ cluster: 'c', job: t, nowMs: T0 + H, co2, record, live: [live], inspector });
  const r = build();
  assert.deepEqual(
    r.findings.map((f) => [f.kind, f.severity, f.raised_at ?? null]),
    [
      ['idle_gpus', 'warning', '2026-01-01T00:30:00.000Z'],
      ['time_limit_over_request', 'info', null],
    ],
    '1 h of a 24 h limit: below 10 %',
  );
  assert.deepEqual(r.findings[0]?.nodes, [{ node: 'n1', text: 'GPU 0: 0 %', value: 0 }]);
  assert.deepEqual(r.findings[0]?.cost, { idle_gpu_hours: 0.25 });
  const off = build(inspectorSection.parse({ partitions: { gpu: { time_limit_over_request: { enabled: false } } } }));
  assert.deepEqual(
    off.findings.map((f) => f.kind),
    ['idle_gpus'],
    "the partition's override switches the end-of-job rule off",
  );
});

test('energy_source: simulated when a node that gave energy ran the demo stand-in, measured, null without energy', () => {
  const build = (reports: Parameters<JobTracker['observe']>[2]): ReturnType<typeof buildReport> => {
    const tr = new JobTracker({
      profilePoints: 10,
      pue: 1,
      nodeOverheadWatts: 0,
      intensity: constantIntensity(300, 'lifecycle'),
    });
    const job = jobInfo({ jobid: '5', startTimeMs: T0 });
    tr.observe(T0 + 30_000, [job], reports);
    const t = tr.jobs.get('5');
    assert.ok(t);
    return buildReport({ cluster: 'c', job: t, nowMs: T0 + 60_000, co2 });
  };
  const withEnergy = reportJob({ jobid: '5', cpuSeconds: 1, energyJoules: 900 });
  const noEnergy = reportJob({ jobid: '5', cpuSeconds: 1 });
  const sim = { raplWatts: 30, raplSource: 'simulated' } as const;
  const real = { raplWatts: 30, raplSource: 'measured' } as const;
  const mixed = build([
    nodeReport('n1', T0 + 30_000, [withEnergy], real),
    nodeReport('n2', T0 + 30_000, [withEnergy], sim),
  ]);
  assert.equal(mixed.energy_source, 'simulated');
  assert.equal(mixed.energy_joules, 1800);
  assert.match(mixed.co2.note, /^energy simulated by the demo's RAPL stand-in, not measured; RAPL \+ GPU energy/);
  // The simulated node gave this job no energy: the job's energy is all measured.
  const measured = build([
    nodeReport('n1', T0 + 30_000, [withEnergy], real),
    nodeReport('n2', T0 + 30_000, [noEnergy], sim),
  ]);
  assert.equal(measured.energy_source, 'measured');
  assert.doesNotMatch(measured.co2.note, /simulated/);
  const none = build([nodeReport('n2', T0 + 30_000, [noEnergy], sim)]);
  assert.equal(none.energy_joules, null);
  assert.equal(none.energy_source, null);
  assert.doesNotMatch(none.co2.note, /simulated/);
  // After "nodes" in the file: the index rebuilds entries from the fields before it.
  const keys = Object.keys(mixed);
  assert.ok(keys.indexOf('energy_source') > keys.indexOf('nodes'));
});
