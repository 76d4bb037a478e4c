import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { endedReport, finding, raised, recordingTransport, testService, until } from './testkit.js';

const T = Date.parse('2026-03-02T09:00:00Z');

test('state size: 10,000 reports with an end-of-job finding each leave a small state file, no per-job keys', async () => {
  const tr = recordingTransport();
  const { svc, stateDir } = testService({ transport: tr.transport, now: () => T });
  for (let i = 1; i <= 10_000; i++) {
    svc.ended(
      endedReport({ jobid: String(100_000 + i), endMs: T, findings: [finding('memory_over_request', 'info')] }),
    );
  }
  await svc.close();
  const file = join(stateDir, 'mail', 'state.json');
  const bytes = statSync(file).size;
  // Before, `counted` and `mailed` kept two long keys per job for 14 days: about 1.2 MB here.
  assert.ok(bytes < 400_000, `state.json is ${bytes} bytes`);
  const s = JSON.parse(readFileSync(file, 'utf8')) as {
    mailed: object;
    counted: object;
    ended: Record<string, Record<string, number>>;
    week: { jobs: number; findings: Record<string, number> };
  };
  assert.deepEqual(s.mailed, {});
  assert.deepEqual(s.counted, {});
  assert.equal(Object.keys(s.ended['testcluster']!).length, 10_000, 'one short mark per job');
  assert.equal(s.week.jobs, 10_000);
  assert.equal(s.week.findings['memory_over_request\tbatch'], 10_000, 'every job counted once');
});

test('state size: a job mailed live loses its keys once its report was handled; counted once, mailed once', async () => {
  const tr = recordingTransport();
  const { svc, stateDir } = testService({ transport: tr.transport, now: () => T });
  svc.raised(raised({ cluster: 'testcluster' }));
  await until(() => tr.sent.length === 1, 'the live mail');
  svc.ended(endedReport({ jobid: '4242', endMs: T, findings: [finding('uneven_load'), finding('idle_gpus')] }));
  await until(() => tr.sent.length === 2, 'the end-of-job mail');
  await svc.close();
  assert.doesNotMatch(tr.sent[1]!.text, /seen: uneven_load/, 'the kind mailed live is left out');
  const s = JSON.parse(readFileSync(join(stateDir, 'mail', 'state.json'), 'utf8')) as {
    mailed: object;
    counted: object;
    week: { findings: Record<string, number> };
  };
  assert.deepEqual(s.mailed, {});
  assert.deepEqual(s.counted, {});
  // The live finding came from partition cpu, the report says batch: counted with the live one only.
  assert.equal(s.week.findings['uneven_load\tcpu'], 1, 'the live kind counted once');
  assert.equal(s.week.findings['uneven_load\tbatch'], undefined, 'not again at the end');
  assert.equal(s.week.findings['idle_gpus\tbatch'], 1);
});

test('state size: a report handled twice (a restored state) is neither mailed nor counted again; a live finding after it is ignored', async () => {
  const tr = recordingTransport();
  const { svc, stateDir } = testService({ transport: tr.transport, now: () => T });
  const report = endedReport({ jobid: '79', endMs: T, findings: [finding('low_cpu_efficiency')] });
  svc.ended(report);
  await until(() => tr.sent.length === 1, 'the end-of-job mail');
  svc.ended(report);
  svc.raised(raised({ jobid: '79', cluster: 'testcluster', kind: 'low_cpu_efficiency' }));
  await svc.close();
  assert.equal(tr.sent.length, 1, 'one mail');
  const s = JSON.parse(readFileSync(join(stateDir, 'mail', 'state.json'), 'utf8')) as {
    week: { jobs: number; findings: Record<string, number> };
  };
  assert.equal(s.week.jobs, 1);
  assert.deepEqual(s.week.findings, { 'low_cpu_efficiency\tbatch': 1 });
});
