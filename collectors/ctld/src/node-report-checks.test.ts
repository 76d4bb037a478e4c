import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NodeReportJob } from '@slurmscope/common';
import { DEFAULT_LIMITS, SlurmPlacement, checkJobs, implausible } from './node-report-checks.js';
import { parseSqueue } from './slurm/parse/squeue.js';
import type { JobInfo, SlurmSnapshot } from './slurm/types.js';

const T = 1_800_000_000_000;
const withScript = (jobid: string): NodeReportJob => ({
  jobid,
  cpus: 1,
  cpuSeconds: 1,
  memoryUsedBytes: 1,
  gpuSeconds: 0,
  gpus: [],
  script: '#!/bin/sh\nsrun ./app',
});
const snapshot = (jobs: JobInfo[]): SlurmSnapshot =>
  ({ timestampMs: T, nodes: ['a1', 'a2', 'b1'].map((name) => ({ name })), jobs }) as unknown as SlurmSnapshot;
const placed = (jobs: JobInfo[]): SlurmPlacement => {
  const p = new SlurmPlacement(60_000);
  p.update(snapshot(jobs));
  return p;
};

// slurm.conf defines b1 before a1 and a2, so Slurm starts job 9's batch script on b1 although
// squeue's NodeList (always in name order) reads "a[1-2],b1". A squeue line of the poll's format:
const LINE =
  '9|9|N/A|N/A|N/A|alice|1001|phys|batch|normal|R|3|a[1-2],b1|3|3|1G|cpu=3,mem=3G,node=3,billing=3|N/A|N/A|N/A|2025-01-01T00:00:00|1:00:00|b1|2025-01-01T01:00:00|';

test("SlurmPlacement: the batch node is Slurm's BatchHost, not the first node of the list", () => {
  const [job] = parseSqueue(LINE);
  assert.ok(job);
  assert.deepEqual(job.nodes, ['a1', 'a2', 'b1']);
  const p = placed([job]);
  assert.equal(p.isBatchNode('b1', '9'), true);
  assert.equal(p.isBatchNode('a1', '9'), false);
  const fromBatch = checkJobs(p, 'b1', [withScript('9')], false);
  assert.equal(fromBatch.believed[0]?.script, '#!/bin/sh\nsrun ./app');
  assert.deepEqual(fromBatch.refused, []);
  const fromFirst = checkJobs(p, 'a1', [withScript('9')], false);
  assert.deepEqual(fromFirst.refused, ['script_not_batch_node']);
  assert.equal(fromFirst.believed[0]?.script, undefined, 'job data kept, script dropped');
  assert.equal(fromFirst.believed[0]?.jobid, '9');
});

test('SlurmPlacement: without a batch host from Slurm, the first node of the list stands in', () => {
  const [job] = parseSqueue(LINE.replace('|b1|', '|n/a|'));
  assert.ok(job);
  assert.equal(job.batchHost, undefined);
  const p = placed([job]);
  assert.equal(p.isBatchNode('a1', '9'), true);
  assert.equal(p.isBatchNode('b1', '9'), false);
  assert.equal(p.isBatchNode('a1', 'unknown'), false);
});

test('implausible: OOM-kill counts the live inspector would believe', () => {
  const report = (oomKills: number | undefined) => ({
    version: 1 as const,
    node: 'a1',
    timestampMs: T,
    intervalMs: 30_000,
    cpus: 4,
    power: {},
    jobs: [{ ...withScript('9'), ...(oomKills === undefined ? {} : { oomKills }) }],
  });
  const cases: [string, number | undefined, string | undefined][] = [
    ['no count (cgroup v1 without oom_kill)', undefined, undefined],
    ['none', 0, undefined],
    ['a few', 3, undefined],
    ['a million, the bound', 1e6, undefined],
    ['above a million', 1e6 + 1, 'bad_value'],
    ['absurd', 2 ** 52, 'bad_value'],
  ];
  for (const [name, oomKills, want] of cases)
    assert.equal(implausible(report(oomKills), T, DEFAULT_LIMITS), want, name);
});
