import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sampleReport } from '../reports/testkit.js';
import type { RaisedFinding } from './types.js';
import {
  EVEN,
  MIN,
  T0,
  UNEVEN,
  cycle,
  inspectorConfig,
  makeInspector,
  runMinutes,
  twoNodeJob,
  type NodeFigures,
} from './testkit.js';

const kinds = (f: readonly RaisedFinding[]): string[] => f.map((x) => `${x.jobid}:${x.kind}`);
const minuteOf = (f: RaisedFinding | undefined): number | undefined =>
  f === undefined ? undefined : (f.raisedAtMs - T0) / MIN;

test('uneven_load: after the 10 min grace, raised once the imbalance held the 10 min sustain; once', () => {
  const { inspector, mail } = makeInspector();
  const job = twoNodeJob();
  runMinutes(inspector, [0, 19], [job], UNEVEN);
  assert.deepEqual(inspector.active(), [], 'not yet: grace 10 min, then sustain from minute 10');
  assert.deepEqual(kinds(cycle(inspector, 20, [job], UNEVEN)), ['7:uneven_load']);
  runMinutes(inspector, [21, 30], [job], UNEVEN);
  const [f] = inspector.active();
  assert.equal(minuteOf(f), 20);
  assert.equal(inspector.active().length, 1, 'raised once per job and kind');
  assert.equal(f?.elapsedSeconds, 1200);
  assert.ok(Math.abs((f?.value ?? 0) - 0.94 / 0.97) < 1e-9);
  assert.deepEqual(
    f?.nodes.map((n) => `node ${n.node}: ${n.text}`),
    ['node n2: CPU 3 %', 'node n1: CPU 97 %'],
  );
  assert.deepEqual(
    mail.raisedCalls.map((x) => [x.kind, minuteOf(x)]),
    [['uneven_load', 20]],
    'passed to the mail port once',
  );
  assert.deepEqual(inspector.families()[1]?.samples.find((s) => s.labels['kind'] === 'uneven_load')?.value, 1);
});

test('sustain: a measured cycle without the condition resets it; a cycle without data does not', () => {
  const job = twoNodeJob();
  const withGap = (gap: NodeFigures) => (m: number) => (m >= 14 && m <= 16 ? gap : UNEVEN);
  const raisedAt = (gap: NodeFigures): number | undefined => {
    const { inspector } = makeInspector();
    runMinutes(inspector, [0, 40], [job], withGap(gap));
    return minuteOf(inspector.active()[0]);
  };
  // Held 10..13 (3 min), no data 14..16, held at 17: the step 13..17 counts 3 min (3 cycles, the cap).
  assert.equal(raisedAt({}), 21, 'no fresh report for 3 cycles: the sustain from minute 10 goes on, not reset');
  assert.equal(raisedAt(EVEN), 27, 'even load at 14..16: the sustain starts again at 17');
});

test('grace: a job without a start time is not judged; the grace counts from its start', () => {
  const { inspector } = makeInspector();
  const noStart = twoNodeJob({ jobid: '8', startTimeMs: undefined });
  const late = twoNodeJob({ jobid: '9', startTimeMs: T0 - 30 * MIN });
  runMinutes(inspector, [0, 40], [noStart, late], UNEVEN);
  assert.deepEqual(
    inspector.active().map((f) => [f.jobid, minuteOf(f)]),
    [['9', 10]],
    'job 9 started 30 min before: past its grace, the first look at minute 0 and 10 min sustained',
  );
});

test('exemptions, switched-off rules, the inspector switched off', () => {
  const job = twoNodeJob();
  const after = (config: unknown, j = job): string[] => {
    const { inspector, mail } = makeInspector({ config: inspectorConfig(config) });
    runMinutes(inspector, [0, 40], [j], UNEVEN);
    assert.equal(mail.raisedCalls.length, inspector.active().length);
    return kinds(inspector.active());
  };
  assert.deepEqual(after({}), ['7:uneven_load']);
  assert.deepEqual(after({ exempt: { users: ['alice'] } }), [], 'exempt user');
  assert.deepEqual(after({ exempt: { accounts: ['physics'] } }), [], 'exempt account');
  assert.deepEqual(after({ exempt: { users: ['bob'] } }), ['7:uneven_load'], "another user's exemption");
  assert.deepEqual(after({ rules: { uneven_load: { enabled: false } } }), [], 'rule off');
  assert.deepEqual(after({ partitions: { batch: { uneven_load: { enabled: false } } } }), [], 'off in the partition');
  assert.deepEqual(after({ enabled: false }), [], 'inspector off');
});

test('per-partition override: keys of the partition over inspector.rules, the others kept', () => {
  const config = inspectorConfig({ partitions: { debug: { uneven_load: { grace: '0ms', threshold: 0.99 } } } });
  const raisedAt = (partition: string, figures: NodeFigures): number | undefined => {
    const { inspector } = makeInspector({ config });
    runMinutes(inspector, [0, 40], [twoNodeJob({ partition })], figures);
    return minuteOf(inspector.active()[0]);
  };
  const extreme: NodeFigures = { n1: { cpuUtilization: 1 }, n2: { cpuUtilization: 0 } };
  assert.equal(raisedAt('batch', UNEVEN), 20, 'batch: the rules');
  assert.equal(raisedAt('debug', UNEVEN), undefined, 'debug: 0.97 is below its 0.99');
  assert.equal(raisedAt('debug', extreme), 10, "debug: no grace, the rules' 10 min sustain");
});

test('a job that ends mid-sustain raises nothing, and its tracking is dropped', () => {
  const { inspector, mail } = makeInspector();
  const job = twoNodeJob();
  runMinutes(inspector, [0, 15], [job], UNEVEN);
  runMinutes(inspector, [16, 30], [], {});
  assert.deepEqual(inspector.active(), []);
  assert.deepEqual(inspector.forReport('7'), []);
  assert.equal(mail.raisedCalls.length, 0);
  // The same id running again (requeued) starts from nothing: no sustain left from minute 10.
  runMinutes(inspector, [31, 40], [job], UNEVEN);
  assert.deepEqual(inspector.active(), [], 'sustain from minute 31, raise due at 41');
  cycle(inspector, 41, [job], UNEVEN);
  assert.equal(minuteOf(inspector.active()[0]), 41);
});

test('oom_killed: raised at once when the count rises, mailed once the job ran minElapsed', () => {
  const { inspector, mail } = makeInspector();
  const job = twoNodeJob();
  const oom = (m: number): NodeFigures => ({
    n1: { cpuUtilization: 0.9, oomKills: m < 3 ? 0 : m < 5 ? 1 : 4 },
    n2: { cpuUtilization: 0.9 },
  });
  runMinutes(inspector, [0, 2], [job], oom);
  assert.deepEqual(inspector.active(), [], 'no kill yet');
  cycle(inspector, 3, [job], oom(3));
  const [f] = inspector.active();
  assert.deepEqual([f?.kind, minuteOf(f), f?.value], ['oom_killed', 3, 1]);
  assert.deepEqual(
    f?.nodes.map((n) => `${n.node}: ${n.text}`),
    ['n1: 1 OOM kill'],
  );
  runMinutes(inspector, [4, 9], [job], oom);
  assert.equal(inspector.active().length, 1, 'a second rise is the same finding');
  assert.equal(mail.raisedCalls.length, 0, 'not mailed before minElapsed (10 min)');
  runMinutes(inspector, [10, 12], [job], oom);
  assert.deepEqual(
    mail.raisedCalls.map((x) => [x.kind, minuteOf(x)]),
    [['oom_killed', 3]],
    'passed at minute 10, once',
  );
});

test('oom_killed: above 0 at first sight is raised; a job that ends before minElapsed is never mailed', () => {
  const { inspector, mail } = makeInspector();
  const job = twoNodeJob();
  cycle(inspector, 1, [job], { n1: { oomKills: 2 } });
  assert.deepEqual(kinds(inspector.active()), ['7:oom_killed']);
  runMinutes(inspector, [2, 20], [], {});
  assert.equal(mail.raisedCalls.length, 0);
  assert.deepEqual(kinds(inspector.forReport('7')), ['7:oom_killed'], 'kept for the report');
});

test('cost so far: idle CPU-hours per measured node, idle GPU-hours, energy and CO2 where measured', () => {
  const { inspector } = makeInspector({
    config: inspectorConfig({ rules: { idle_gpus: { grace: '0ms', sustain: '10m' } } }),
  });
  const job = twoNodeJob({ gpus: 1 });
  const figures: NodeFigures = {
    n1: { cpus: 2, cpuUtilization: 0.75, energyJoules: 3.6e6, gpus: [{ index: 0, utilization: 0.01 }] },
    n2: { cpus: 2, cpuUtilization: 0.25, energyJoules: 1.8e6 },
  };
  runMinutes(inspector, [0, 10], [job], figures);
  const [f] = inspector.active();
  assert.equal(f?.kind, 'idle_gpus');
  // 10 steps of 60 s: CPU (0.25 × 2 + 0.75 × 2) × 600 s = 1200 CPU-s; GPU 0.99 × 600 s.
  assert.ok(Math.abs((f?.cost.idleCpuHours ?? 0) - 1200 / 3600) < 1e-9, String(f?.cost.idleCpuHours));
  assert.ok(Math.abs((f?.cost.idleGpuHours ?? 0) - (0.99 * 600) / 3600) < 1e-9);
  assert.equal(f?.cost.energyJoules, 5.4e6);
  assert.ok(Math.abs((f?.cost.co2Grams ?? 0) - 1.5 * 300) < 1e-9, '1.5 kWh × 300 g/kWh × PUE 1');
  const { inspector: bare } = makeInspector({ config: inspectorConfig({ rules: { oom_killed: {} } }) });
  cycle(bare, 1, [job], { n1: { oomKills: 1 } });
  assert.deepEqual(bare.active()[0]?.cost, {}, 'nothing measured: no figure, never 0');
});

test('a finding of an ended job: inactive at once, kept for the report until it is written (or 7 days)', () => {
  const { inspector } = makeInspector({ keepEndedMs: 60 * MIN });
  const a = twoNodeJob({ jobid: '7' });
  const b = twoNodeJob({ jobid: '8' });
  runMinutes(inspector, [0, 20], [a, b], UNEVEN);
  assert.deepEqual(kinds(inspector.active()), ['7:uneven_load', '8:uneven_load']);
  cycle(inspector, 21, [], {});
  assert.deepEqual(inspector.active(), [], 'no longer active');
  assert.deepEqual(inspector.families()[0]?.samples, [], 'no gauge');
  assert.deepEqual(kinds(inspector.forReport('7')), ['7:uneven_load']);
  const report = sampleReport({ jobid: '7', user: 'alice', endMs: T0 + 21 * MIN });
  inspector.reported({
    ...report,
    findings: [
      { kind: 'uneven_load', severity: 'warning', message: 'm', value: 1 },
      { kind: 'time_limit_over_request', severity: 'info', message: 'm', value: 0.01 },
    ],
  });
  assert.deepEqual(inspector.forReport('7'), [], 'forgotten once its report is written');
  const totals = Object.fromEntries(inspector.families()[1]!.samples.map((s) => [s.labels['kind'], s.value]));
  assert.equal(totals['uneven_load'], 2, 'the live ones, counted when raised');
  assert.equal(totals['time_limit_over_request'], 1, 'an end-of-job one, counted with its report');
  runMinutes(inspector, [22, 81], [], {});
  assert.deepEqual(kinds(inspector.forReport('8')), ['8:uneven_load'], 'still within keepEndedMs');
  cycle(inspector, 82, [], {});
  assert.deepEqual(inspector.forReport('8'), [], 'expired');
});

test('families: slurmscope_job_finding per active finding, slurmscope_findings_total for every kind', () => {
  const { inspector } = makeInspector();
  runMinutes(inspector, [0, 20], [twoNodeJob()], UNEVEN);
  const [gauge, total] = inspector.families();
  assert.equal(gauge?.name, 'slurmscope_job_finding');
  assert.deepEqual(gauge?.samples, [{ labels: { jobid: '7', kind: 'uneven_load' }, value: 1 }]);
  assert.equal(total?.name, 'slurmscope_findings_total');
  assert.equal(total?.samples.length, 7, 'every kind, 0 included');
});

test('bounded: beyond maxJobs the longest-ended jobs go first', () => {
  const { inspector, log } = makeInspector({ maxJobs: 2 });
  const [a, b, c] = ['1', '2', '3'].map((jobid) => twoNodeJob({ jobid }));
  runMinutes(inspector, [0, 20], [a!, b!], UNEVEN);
  cycle(inspector, 21, [b!], UNEVEN);
  cycle(inspector, 22, [c!], UNEVEN);
  assert.deepEqual(inspector.forReport('1'), [], 'job 1, ended first: dropped');
  assert.deepEqual(kinds(inspector.forReport('2')), ['2:uneven_load'], 'job 2 kept for its report');
  assert.ok(log.records.some((r) => r.msg.includes('inspector state full')));
});

test('active findings only for RUNNING jobs: a requeued or suspended job keeps its findings, not shown', () => {
  for (const state of ['PENDING', 'SUSPENDED']) {
    const { inspector } = makeInspector();
    const job = twoNodeJob();
    runMinutes(inspector, [0, 20], [job], UNEVEN);
    assert.deepEqual(kinds(inspector.active()), ['7:uneven_load'], state);
    cycle(inspector, 21, [twoNodeJob({ state })], {});
    assert.deepEqual(inspector.active(), [], `${state}: not active`);
    assert.deepEqual(inspector.families()[0]?.samples, [], `${state}: no slurmscope_job_finding`);
    assert.deepEqual(kinds(inspector.forReport('7')), ['7:uneven_load'], `${state}: kept for the report`);
    cycle(inspector, 22, [job], UNEVEN);
    assert.deepEqual(kinds(inspector.active()), ['7:uneven_load'], `${state}: running again, active again`);
  }
});

test('a 1000-node job: the finding keeps the worst 10 nodes and counts the rest', () => {
  const { inspector, mail } = makeInspector({ config: inspectorConfig({ minElapsed: '0ms' }) });
  const names = Array.from({ length: 1000 }, (_, i) => `n${String(i).padStart(4, '0')}`);
  const job = twoNodeJob({ nodes: names });
  // Node i had i % 7 + 1 OOM kills: the worst (7 kills) first, by name.
  const figures: NodeFigures = Object.fromEntries(names.map((n, i) => [n, { oomKills: (i % 7) + 1 }]));
  cycle(inspector, 1, [job], figures);
  const [f] = inspector.active();
  assert.equal(f?.kind, 'oom_killed');
  assert.equal(f?.nodes.length, 11);
  assert.deepEqual(
    f?.nodes.slice(0, 2).map((n) => `${n.node}: ${n.text}`),
    ['n0006: 7 OOM kills', 'n0013: 7 OOM kills'],
  );
  assert.deepEqual(f?.nodes[10], { node: '…', text: 'and 990 more nodes', value: 990 });
  assert.equal(
    f?.value,
    names.reduce((s, _, i) => s + (i % 7) + 1, 0),
    'the job-level figure counts every node',
  );
  assert.equal(mail.raisedCalls[0]?.nodes.length, 11, 'the mail port gets the bounded list');
});
