import { test } from 'node:test';
import assert from 'node:assert/strict';
import { endedReport, finding, handScheduler, raised, recordingTransport, testService, until } from './testkit.js';

const T = Date.parse('2026-03-02T09:00:00Z');
const DUE = T + 3600_000;

test('digest and summary Message-IDs come from the due time: a late or repeated run has the same ID', async () => {
  const tr = recordingTransport();
  const hand = handScheduler();
  hand.next.at = DUE;
  let now = T;
  const { svc } = testService({
    transport: tr.transport,
    scheduler: hand.scheduler,
    now: () => now,
    smtp: { maxPerUserPerDay: 1, adminAddresses: ['hpc-admins@example.org'] },
  });
  svc.raised(raised({ jobid: '1', displayId: '1' }));
  svc.raised(raised({ jobid: '2', displayId: '2' })); // into the digest
  now = DUE + 5 * 60_000; // the run came 5 minutes late (or again after a crash)
  hand.fire(0);
  hand.fire(1);
  await until(() => tr.sent.length === 3, 'mail, digest and summary');
  const ids = tr.sent.map((m) => m.messageId);
  const stamp = DUE / 60_000;
  assert.ok(ids.includes(`<slurmscope.hpc1.digest.alice.${stamp}@hpc.example.org>`), ids.join(' '));
  assert.ok(ids.includes(`<slurmscope.unknown.summary.${stamp}.0@hpc.example.org>`), ids.join(' '));
  await svc.close();
});

test('the end-of-job Message-ID names its kinds sorted, whatever their order in the report', async () => {
  const tr = recordingTransport();
  const { svc } = testService({ transport: tr.transport });
  svc.ended(endedReport({ jobid: '5', endMs: T, findings: [finding('uneven_load'), finding('idle_gpus')] }));
  await until(() => tr.sent.length === 1, 'the end-of-job mail');
  assert.equal(tr.sent[0]!.messageId, '<slurmscope.testcluster.5.idle_gpus.uneven_load@hpc.example.org>');
  await svc.close();
});
