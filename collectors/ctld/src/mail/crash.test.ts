import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { endedReport, finding, raised, recordingTransport, testService, until } from './testkit.js';

const T = Date.parse('2026-03-02T09:00:00Z');

test('a crash right after a mail was sent (no close, state not yet debounced) does not mail the job+kind again', async () => {
  const tr = recordingTransport();
  const first = testService({ transport: tr.transport });
  first.svc.raised(raised({ jobid: '77', cluster: 'testcluster' }));
  await until(() => tr.sent.length === 1, 'the live mail');
  await until(() => readdirSync(join(first.stateDir, 'mail', 'queue')).length === 0, 'the queue file deleted');
  // ctld died here: no close(), the debounced state write (1 s) has not run.
  const second = testService({ transport: tr.transport, stateDir: first.stateDir });
  second.svc.raised(raised({ jobid: '77', cluster: 'testcluster' }));
  second.svc.ended(endedReport({ jobid: '77', endMs: T, findings: [finding('uneven_load')] }));
  await second.svc.close();
  assert.equal(tr.sent.length, 1, 'the one mail only');
  assert.equal(readdirSync(join(first.stateDir, 'mail', 'queue')).length, 0);
  await first.svc.close();
});

test('a crash right after an end-of-job mail was sent does not mail the report again', async () => {
  const tr = recordingTransport();
  const first = testService({ transport: tr.transport });
  const report = endedReport({ jobid: '78', endMs: T, findings: [finding('low_cpu_efficiency')] });
  first.svc.ended(report);
  await until(() => tr.sent.length === 1, 'the end-of-job mail');
  await until(() => readdirSync(join(first.stateDir, 'mail', 'queue')).length === 0, 'the queue file deleted');
  const second = testService({ transport: tr.transport, stateDir: first.stateDir });
  second.svc.ended(report);
  await second.svc.close();
  assert.equal(tr.sent.length, 1, 'the one mail only');
  assert.equal(readdirSync(join(first.stateDir, 'mail', 'queue')).length, 0, 'none queued');
  await first.svc.close();
});
