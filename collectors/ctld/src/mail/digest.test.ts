import { test } from 'node:test';
import assert from 'node:assert/strict';
import { handScheduler, raised, recordingTransport, testService, until } from './testkit.js';

const T = Date.parse('2026-03-02T09:00:00Z');

test('a digest refused by a full queue keeps its findings for the next digest', async () => {
  let down = true;
  const tr = recordingTransport(() => (down ? new Error('connect ECONNREFUSED') : undefined));
  const hand = handScheduler();
  let now = T;
  const { svc } = testService({
    transport: tr.transport,
    scheduler: hand.scheduler,
    now: () => now,
    smtp: { maxQueued: 10, maxPerUserPerDay: 1 },
  });
  for (let i = 0; i < 10; i++) svc.raised(raised({ jobid: `1${i}`, user: `u${i}` })); // the queue is full
  svc.raised(raised({ jobid: '1', displayId: '1' })); // alice's mail of the day, refused (full)
  svc.raised(raised({ jobid: '2', displayId: '2' })); // over the day's mails: into the digest
  hand.fire(0); // the queue is full: the digest is refused
  down = false;
  await until(() => tr.sent.length === 10, 'the queued mails');
  now += 3600_000;
  hand.fire(0);
  await until(() => tr.sent.length === 11, 'the next digest');
  const digest = tr.sent[10]!;
  assert.equal(digest.to, 'alice@example.org');
  assert.match(digest.subject, /1 more finding/);
  assert.match(digest.text, /== job 2 /);
  await svc.close();
});
