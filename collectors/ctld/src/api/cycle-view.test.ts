import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import type { PollResult } from '../slurm/snapshot.js';
import type { Webjob } from '../webjobs.js';
import type { PreparedBody } from './bodies.js';
import { buildCycleView } from './cycle-view.js';

const T = 1_800_000_000_000;
const webjob = (jobid: string, user: string, displayId = jobid): Webjob => ({
  jobid,
  displayId,
  user,
  partition: 'batch',
  allocatedCpus: 2,
  nodes: [{ node: 'n1', reported: true, cpus: 2, cpuUtilization: 0.5, memoryUsedBytes: 1e9, gpus: [] }],
  loadImbalance: 0,
  cpuEfficiency: 0.5,
});
const JOBS: Webjob[] = [
  webjob('100', 'alice'),
  webjob('101', 'bob', '100_1'),
  webjob('102', 'alice', '100_2'),
  // A display id equal to another job's raw id: the raw id wins.
  webjob('103', 'carol', '101'),
  ...Array.from({ length: 3000 }, (_, i) => webjob(String(200 + i), `u${i % 40}`)),
];
const RESULT = {
  snapshot: { timestampMs: T },
  availability: {
    timestampMs: T,
    preemptionModelled: true,
    partitions: [{ name: 'batch', cpus: { idle: 4 } }],
    nodes: [{ node: 'n1', state: 'idle', partitions: ['batch'] }],
  },
} as unknown as PollResult;

const text = (b: PreparedBody): string => b.tail.toString();
const inflated = (b: PreparedBody): string => gunzipSync(Buffer.concat([gzipOf(b)])).toString();

/** A whole gzip member of a prepared tail with an empty head (what a client gets, minus the freshness). */
function gzipOf(b: PreparedBody): Buffer {
  assert.ok(b.deflated, 'the body was deflated');
  const header = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(b.deflated.crc, 0);
  trailer.writeUInt32LE(b.deflated.length, 4);
  return Buffer.concat([header, b.deflated.deflated, trailer]);
}

test('buildCycleView: the cached webjobs and availability bodies equal a fresh serialization, plain and deflated', async () => {
  const v = await buildCycleView({ cycle: 4, nowMs: T, poll: { result: RESULT, stale: false }, webjobs: JOBS });
  const webjobs = `,${JSON.stringify({ jobs: JOBS }).slice(1)}\n`;
  assert.equal(text(v.answers.webjobs), webjobs);
  assert.equal(inflated(v.answers.webjobs), webjobs);
  const a = RESULT.availability;
  const avail = `,${JSON.stringify({ preemptionModelled: a.preemptionModelled, partitions: a.partitions, nodes: a.nodes }).slice(1)}\n`;
  assert.ok(v.answers.availability);
  assert.equal(text(v.answers.availability), avail);
  assert.equal(v.cycle, 4);
  assert.equal(v.webjobs, JOBS);
});

test('buildCycleView: indexes by user (in order) and by id (raw id first, then the display id)', async () => {
  const v = await buildCycleView({ cycle: 1, nowMs: T, poll: { result: RESULT, stale: false }, webjobs: JOBS });
  assert.deepEqual(
    v.byUser.get('alice')?.map((w) => w.jobid),
    ['100', '102'],
  );
  assert.equal(v.byUser.get('u7')?.length, 75);
  assert.equal(v.byId.get('100')?.jobid, '100');
  assert.equal(v.byId.get('100_2')?.jobid, '102');
  assert.equal(v.byId.get('101')?.jobid, '101', 'raw id 101 wins over display id 101 of job 103');
  assert.equal(v.byId.get('999999'), undefined);
});

test('buildCycleView: per-user answers are serialized once per cycle and equal a fresh filter', async () => {
  const v = await buildCycleView({ cycle: 1, nowMs: T, poll: { result: RESULT, stale: false }, webjobs: JOBS });
  const first = v.answers.user('u3');
  assert.equal(v.answers.user('u3'), first, 'the second request gets the same prepared body');
  const want = `,${JSON.stringify({ jobs: JOBS.filter((w) => w.user === 'u3') }).slice(1)}\n`;
  assert.equal(text(await first), want);
  assert.equal(inflated(await first), want);
  assert.equal(text(await v.answers.user('alice')), `,${JSON.stringify({ jobs: [JOBS[0], JOBS[2]] }).slice(1)}\n`);
  assert.equal(text(await v.answers.user('nobody')), ',"jobs":[]}\n');
});

test('buildCycleView: before the first good poll there is no availability body, webjobs are empty', async () => {
  const v = await buildCycleView({ cycle: 1, nowMs: T, poll: { stale: true, error: 'boom' }, webjobs: [] });
  assert.equal(v.answers.availability, undefined);
  assert.equal(text(v.answers.webjobs), ',"jobs":[]}\n');
});
