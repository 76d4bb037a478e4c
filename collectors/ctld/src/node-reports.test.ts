import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NodeReport, NodeReportJob } from '@slurmscope/common';
import { constantIntensity } from './co2.js';
import { NodeReportStore, expectsAgent } from './node-reports.js';
import { JobTracker } from './reports/tracker.js';
import type { JobInfo, NodeInfo, SlurmSnapshot } from './slurm/types.js';

const T = 1_800_000_000_000;
const job = (jobid: string, extra: Partial<NodeReportJob> = {}): NodeReportJob => ({
  jobid,
  cpus: 1,
  cpuSeconds: 1,
  memoryUsedBytes: 1,
  gpuSeconds: 0,
  gpus: [],
  ...extra,
});
const report = (node: string, timestampMs: number, intervalMs = 10_000, jobs: NodeReportJob[] = []): NodeReport => ({
  version: 1,
  node,
  timestampMs,
  intervalMs,
  cpus: 4,
  power: {},
  jobs,
});
const slurmJob = (jobid: string, nodes: string[]): JobInfo =>
  ({ jobid, displayId: jobid, user: 'u', account: 'a', partition: 'p', state: 'RUNNING', nodes }) as unknown as JobInfo;
/** A node as Slurm reports it (the fields node states are read from). */
const slurmNode = (name: string, state = 'MIXED', flags: string[] = [], allocCpus = 1): NodeInfo =>
  ({ name, state, flags, allocCpus, cpus: 4 }) as unknown as NodeInfo;
/** Slurm's view: nodes n1..n3; job 7 on n1+n2 (n1 its batch node), job 8 on n3. */
const snapshot = (
  timestampMs: number,
  jobs: JobInfo[] = [slurmJob('7', ['n1', 'n2']), slurmJob('8', ['n3'])],
  nodes: NodeInfo[] = ['n1', 'n2', 'n3'].map((name) => slurmNode(name)),
) => ({ timestampMs, nodes, jobs }) as unknown as SlurmSnapshot;
const refused = (s: NodeReportStore): Record<string, number> =>
  Object.fromEntries(
    (s.families(T)[1]?.samples ?? []).filter((x) => x.value > 0).map((x) => [x.labels.reason, x.value]),
  );
const jobsOf = (reports: NodeReport[]): string[] =>
  reports.flatMap((r) => r.jobs.map((j) => `${r.node}:${j.jobid}${j.script === undefined ? '' : '+script'}`)).sort();

/** A store that has seen Slurm's snapshot at T. */
function checked(): NodeReportStore {
  const s = new NodeReportStore();
  s.latest(T, snapshot(T));
  return s;
}

test('NodeReportStore: keeps the latest report per node; a late older one does not replace it', () => {
  const s = checked();
  s.ingest(report('n1', T), T);
  s.ingest(report('n1', T + 10_000), T + 10_000);
  // a retried, older report: not used, but counted
  assert.deepEqual(s.ingest(report('n1', T + 5_000), T + 10_500), { kept: true, refused: ['out_of_order'] });
  s.ingest(report('n2', T + 1_000), T + 1_000);
  const latest = s.latest(T + 11_000);
  assert.deepEqual(latest.map((r) => [r.node, r.timestampMs]).sort(), [
    ['n1', T + 10_000],
    ['n2', T + 1_000],
  ]);
});

test('NodeReportStore: a node silent for 3 of its intervals, or for maxAge, is dropped (ctld clock)', () => {
  const s = new NodeReportStore({ maxAgeMs: 120_000 });
  s.latest(T, snapshot(T));
  s.ingest(report('n1', T - 100_000, 1_000), T); // agent clock 100 s behind: received time counts
  s.ingest(report('n2', T, 60_000), T);
  assert.equal(s.latest(T + 3_000).length, 2, 'exactly 3 intervals: kept');
  assert.deepEqual(
    s.latest(T + 3_001).map((r) => r.node),
    ['n2'],
  );
  assert.equal(s.size, 1, 'pruned, not only hidden');
  assert.equal(s.latest(T + 120_000).length, 1, '3 × 60 s would be 180 s, but maxAge is 120 s');
  assert.deepEqual(s.latest(T + 120_001), []);
});

test('NodeReportStore: implausible reports are refused whole and counted by reason; none freezes a node', () => {
  const s = checked();
  const cases: Array<[string, NodeReport, string]> = [
    ['from the future', report('n1', T + 3_600_000), 'future_timestamp'],
    ['61 s ahead', report('n1', T + 61_000), 'future_timestamp'],
    ['older than maxAge (15 min)', report('n1', T - 16 * 60_000), 'stale'],
    ['interval 1e300', report('n1', T, 1e300), 'bad_interval'],
    ['interval NaN', report('n1', T, NaN), 'bad_interval'],
    ['interval 0', report('n1', T, 0), 'bad_interval'],
    ['interval negative', report('n1', T, -10_000), 'bad_interval'],
    ['interval Infinity (1e999 in JSON)', report('n1', T, Infinity), 'bad_interval'],
    ['timestamp NaN', report('n1', NaN), 'bad_value'],
  ];
  for (const [name, r, reason] of cases) assert.deepEqual(s.ingest(r, T), { kept: false, reason }, name);
  assert.deepEqual(refused(s), { future_timestamp: 2, stale: 1, bad_interval: 5, bad_value: 1 });
  assert.equal(s.size, 0);
  // 59 s ahead is within the skew allowance; a genuine report a full interval later still replaces it.
  assert.equal(s.ingest(report('n1', T + 59_000, 10_000, [job('7')]), T).kept, true);
  s.ingest(report('n1', T + 10_000, 10_000, [job('7', { cpuSeconds: 2 })]), T + 10_000);
  assert.deepEqual(
    s.latest(T + 10_000).map((r) => [r.timestampMs, r.jobs[0]?.cpuSeconds]),
    [[T + 10_000, 2]],
  );
});

test('NodeReportStore: a node Slurm does not know is refused; jobs Slurm runs elsewhere are refused alone', () => {
  const s = checked();
  assert.deepEqual(s.ingest(report('intruder', T), T), { kept: false, reason: 'unknown_node' });
  // n3 claims job 7 (Slurm runs it on n1+n2) and its own job 8.
  const out = s.ingest(report('n3', T, 10_000, [job('7'), job('8')]), T);
  assert.deepEqual(out, { kept: true, refused: ['job_not_on_node'] });
  assert.deepEqual(jobsOf(s.latest(T + 1)), ['n3:8']);
  assert.deepEqual(refused(s), { unknown_node: 1, job_not_on_node: 1 });
  const results = s.families(T)[0]?.samples.map((x) => `${x.labels.result}=${x.value}`);
  assert.deepEqual(results, ['accepted=0', 'unauthorized=0', 'invalid=0', 'too_large=0', 'refused=1']);
});

test('NodeReportStore: the batch script is taken only from the batch node; a forged one first never locks out the genuine', () => {
  const s = checked();
  s.ingest(report('n2', T, 10_000, [job('7', { script: '#!/bin/sh\nrm -rf ~' })]), T);
  s.ingest(report('n1', T + 1, 10_000, [job('7', { script: '#!/bin/sh\nsrun ./app' })]), T + 1);
  const latest = s.latest(T + 2);
  assert.deepEqual(jobsOf(latest), ['n1:7+script', 'n2:7'], "n2's script is dropped, its job data kept");
  assert.deepEqual(refused(s), { script_not_batch_node: 1 });
  // The report archive's tracker keeps the first script it sees: fed the forged report first, it keeps the genuine one.
  const tracker = new JobTracker({
    profilePoints: 10,
    pue: 1,
    nodeOverheadWatts: 0,
    intensity: constantIntensity(300, 'lifecycle'),
  });
  const byNode = ['n2', 'n1'].flatMap((node) => latest.filter((r) => r.node === node));
  tracker.observe(T + 2, [slurmJob('7', ['n1', 'n2'])], byNode);
  assert.equal(tracker.jobs.get('7')?.script, '#!/bin/sh\nsrun ./app');
});

test('NodeReportStore: a job newer than the last snapshot waits for the next one, then is believed or refused', () => {
  const s = checked();
  // Job 9 started on n3 after the poll at T; job 10 does not exist at all.
  s.ingest(report('n3', T + 5_000, 10_000, [job('8'), job('9'), job('10')]), T + 5_000);
  assert.deepEqual(jobsOf(s.latest(T + 5_001)), ['n3:8'], 'unknown jobs are not served before Slurm says so');
  assert.deepEqual(refused(s), {});
  // A stale snapshot (taken before the report arrived) decides nothing.
  assert.deepEqual(jobsOf(s.latest(T + 5_002, snapshot(T))), ['n3:8']);
  const next = snapshot(T + 6_000, [slurmJob('7', ['n1', 'n2']), slurmJob('8', ['n3']), slurmJob('9', ['n3'])]);
  assert.deepEqual(jobsOf(s.latest(T + 6_001, next)), ['n3:8', 'n3:9']);
  assert.deepEqual(refused(s), { unknown_job: 1 });
  assert.deepEqual(jobsOf(s.latest(T + 6_002, next)), ['n3:8', 'n3:9'], 'decided once, counted once');
  assert.deepEqual(refused(s), { unknown_job: 1 });
});

test('NodeReportStore: reports before the first snapshot wait for it; a job that ended stays believable for maxAge', () => {
  const s = new NodeReportStore({ maxAgeMs: 60_000 });
  s.ingest(report('n1', T, 10_000, [job('7')]), T);
  s.ingest(report('ghost', T, 10_000), T);
  assert.deepEqual(s.latest(T + 1), [], 'nothing is served unchecked');
  assert.deepEqual(jobsOf(s.latest(T + 2, snapshot(T + 1))), ['n1:7']);
  assert.deepEqual(refused(s), { unknown_node: 1 });
  // Job 7 ended: later snapshots lack it, but its nodes' last reports are still believed for maxAge.
  s.latest(T + 20_000, snapshot(T + 20_000, []));
  s.ingest(report('n2', T + 21_000, 10_000, [job('7')]), T + 21_000);
  assert.deepEqual(jobsOf(s.latest(T + 21_001)), ['n1:7', 'n2:7']);
  s.latest(T + 70_000, snapshot(T + 70_000, []));
  s.ingest(report('n2', T + 71_000, 10_000, [job('7')]), T + 71_000);
  s.latest(T + 71_001, snapshot(T + 71_001, []));
  assert.deepEqual(refused(s), { unknown_node: 1, unknown_job: 1 }, 'forgotten after maxAge: unknown');
});

test('NodeReportStore.families: results by kind, refusals by reason (all declared), live nodes', () => {
  const s = checked();
  s.ingest(report('n1', T, 1_000), T);
  s.ingest(report('n2', T, 1_000), T - 10_000);
  s.count('accepted');
  s.count('accepted');
  s.count('unauthorized');
  const [results, reasons, live] = s.families(T + 100);
  assert.deepEqual(
    results?.samples.map((x) => `${x.labels.result}=${x.value}`),
    ['accepted=2', 'unauthorized=1', 'invalid=0', 'too_large=0', 'refused=0'],
  );
  assert.equal(reasons?.name, 'slurmscope_ctld_node_reports_refused_total');
  assert.deepEqual(
    reasons?.samples.map((x) => x.labels.reason),
    [
      'unknown_node',
      'unknown_job',
      'job_not_on_node',
      'script_not_batch_node',
      'future_timestamp',
      'stale',
      'bad_interval',
      'bad_value',
      'node_token_mismatch',
      'out_of_order',
    ],
  );
  assert.deepEqual(live?.samples, [{ labels: {}, value: 1 }]);
});

test('expectsAgent: usable nodes expect an agent; down, powered-down and drained idle nodes do not', () => {
  const cases: Array<[string, NodeInfo, boolean]> = [
    ['idle', slurmNode('a', 'IDLE', [], 0), true],
    ['mixed', slurmNode('a', 'MIXED'), true],
    ['allocated', slurmNode('a', 'ALLOCATED', [], 4), true],
    ['reserved (maintenance reservation)', slurmNode('a', 'IDLE', ['MAINTENANCE', 'RESERVED'], 0), true],
    ['planned by backfill', slurmNode('a', 'IDLE', ['PLANNED'], 0), true],
    ['completing', slurmNode('a', 'IDLE', ['COMPLETING'], 0), true],
    ['draining: jobs still run', slurmNode('a', 'MIXED', ['DRAIN'], 1), true],
    ['drained, no job', slurmNode('a', 'IDLE', ['DRAIN'], 0), false],
    ['down', slurmNode('a', 'DOWN', [], 0), false],
    ['unknown (never registered)', slurmNode('a', 'UNKNOWN', [], 0), false],
    ['future', slurmNode('a', 'FUTURE', [], 0), false],
    ['not responding', slurmNode('a', 'IDLE', ['NOT_RESPONDING'], 0), false],
    ['powered down', slurmNode('a', 'IDLE', ['POWERED_DOWN'], 0), false],
  ];
  for (const [name, node, want] of cases) assert.equal(expectsAgent(node), want, name);
});

test('NodeReportStore.families: slurmscope_node_agent_up is 1 per fresh agent, 0 after 3 intervals or none at all', () => {
  const s = new NodeReportStore({ maxAgeMs: 120_000 });
  const nodes = [slurmNode('n1'), slurmNode('n2'), slurmNode('n3', 'IDLE', [], 0), slurmNode('g1', 'DOWN', [], 0)];
  assert.equal(s.families(T)[3]?.samples.length, 0, 'no snapshot yet: no node is known');
  s.latest(T, snapshot(T, [], nodes));
  s.ingest(report('n1', T, 10_000), T);
  s.ingest(report('n2', T, 10_000), T);
  const up = (nowMs: number): Record<string, number> => {
    const fam = s.families(nowMs)[3];
    assert.equal(fam?.name, 'slurmscope_node_agent_up');
    assert.deepEqual(fam.labelNames, ['node']);
    assert.equal(fam.type, 'gauge');
    return Object.fromEntries(fam.samples.map((x) => [x.labels.node, x.value]));
  };
  // n3 never reported: 0; g1 is down in Slurm: no series (SlurmscopePartitionDegraded covers it).
  assert.deepEqual(up(T + 1_000), { n1: 1, n2: 1, n3: 0 });
  s.ingest(report('n2', T + 20_000, 10_000), T + 20_000);
  assert.deepEqual(up(T + 30_000), { n1: 1, n2: 1, n3: 0 }, 'exactly 3 intervals: still up');
  assert.deepEqual(up(T + 30_001), { n1: 0, n2: 1, n3: 0 }, 'n1 silent for more than 3 intervals');
  s.latest(T + 30_002); // prunes n1: still 0, not gone
  assert.deepEqual(up(T + 30_003), { n1: 0, n2: 1, n3: 0 });
  // n1 reports again; n2 is drained without jobs in the next snapshot: no longer expected.
  s.ingest(report('n1', T + 31_000, 10_000), T + 31_000);
  const later = [slurmNode('n1'), slurmNode('n2', 'IDLE', ['DRAIN'], 0), nodes[2]!, nodes[3]!];
  s.latest(T + 32_000, snapshot(T + 32_000, [], later));
  assert.deepEqual(up(T + 32_000), { n1: 1, n3: 0 });
  // An older snapshot given again changes nothing.
  s.latest(T + 32_001, snapshot(T, [], nodes));
  assert.deepEqual(up(T + 32_001), { n1: 1, n3: 0 });
});
