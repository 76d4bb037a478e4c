import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, ctldConfigSchema } from '@slurmscope/common';
import { RecordingLogger } from '@slurmscope/model';
import { cronScheduler } from './schedule.js';
import { createMailService } from './setup.js';
import { endedReport, finding, handScheduler, raised, recordingTransport, testService, until } from './testkit.js';

const T = Date.parse('2026-03-02T09:00:00Z');
const fam = (
  svc: { families(): readonly { name: string; samples: readonly { value: number }[] }[] },
  name: string,
): number => svc.families().find((f) => f.name === name)!.samples[0]!.value;

test('a raised finding is mailed at once: to <user>@<userDomain>, a fixed Message-ID, text and HTML', async () => {
  const tr = recordingTransport();
  const { svc } = testService({ transport: tr.transport });
  svc.raised(raised());
  await until(() => tr.sent.length === 1, 'the mail');
  const m = tr.sent[0]!;
  assert.equal(m.to, 'alice@example.org');
  assert.equal(m.messageId, '<slurmscope.hpc1.4242.uneven_load@hpc.example.org>');
  assert.equal(m.subject, '[slurmscope] job 4242 on hpc1 (running): uneven load');
  assert.match(m.text, /node c0412: CPU 3 %/);
  assert.match(m.html, /<td>CPU 97 %<\/td>/);
  assert.equal(fam(svc, 'slurmscope_mails_sent_total'), 1);
  assert.equal(fam(svc, 'slurmscope_mails_queued'), 0);
  await svc.close();
});

test('never two mails about one job and kind: not again live, not at the end, not after a restart', async () => {
  const tr = recordingTransport();
  const s = testService({ transport: tr.transport });
  s.svc.raised(raised({ cluster: 'testcluster' }));
  s.svc.raised(raised({ cluster: 'testcluster', message: 'again' }));
  await until(() => tr.sent.length === 1, 'the first mail');
  await s.svc.close();
  // ctld restarted on the same state directory: the live kind is known, the end-of-job kind is new.
  const { svc } = testService({ transport: tr.transport, stateDir: s.stateDir });
  svc.raised(raised({ cluster: 'testcluster' }));
  svc.ended(endedReport({ jobid: '4242', endMs: T, findings: [finding('uneven_load'), finding('idle_gpus')] }));
  await until(() => tr.sent.length === 2, 'the end-of-job mail');
  await svc.close();
  assert.equal(tr.sent[1]!.messageId, '<slurmscope.testcluster.4242.idle_gpus@hpc.example.org>');
  assert.doesNotMatch(tr.sent[1]!.text, /seen: uneven_load/, 'the mailed kind is left out');
  assert.match(tr.sent[1]!.text, /seen: idle_gpus/);
  assert.equal(tr.sent.length, 2);
});

test('end of job: info kinds alone go to the digest; a job shorter than minElapsed gets nothing', async () => {
  const tr = recordingTransport();
  const hand = handScheduler();
  const { svc } = testService({ transport: tr.transport, scheduler: hand.scheduler, now: () => T });
  svc.ended(endedReport({ jobid: '1', endMs: T, findings: [finding('memory_over_request', 'info')] }));
  svc.ended(endedReport({ jobid: '2', endMs: T, findings: [finding('time_limit_over_request', 'info')] }));
  const short = testService({ transport: tr.transport, inspector: { minElapsed: '11m' } }); // the sample ran 10 min
  short.svc.ended(endedReport({ jobid: '3', endMs: T, findings: [finding('low_cpu_efficiency')] }));
  short.svc.raised(raised({ jobid: '4', elapsedSeconds: 600 }));
  await short.svc.close();
  assert.equal(tr.calls(), 0, 'nothing at once');
  hand.fire(0);
  await until(() => tr.sent.length === 1, 'the digest');
  await svc.close();
  const d = tr.sent[0]!;
  assert.equal(d.to, 'alice@example.org');
  assert.match(d.subject, /your jobs on testcluster: 2 more finding\(s\)/);
  assert.match(d.text, /== job 1 [\s\S]*seen: memory_over_request[\s\S]*== job 2 [\s\S]*seen: time_limit_over_request/);
  assert.match(d.text, /--time=/);
  assert.equal(fam(svc, 'slurmscope_mails_digests_sent_total'), 1);
});

test('maxPerUserPerDay: the rest folded into one daily digest (counted as suppressed), a day later mails again', async () => {
  let now = T;
  const tr = recordingTransport();
  const hand = handScheduler();
  const { svc, log } = testService({
    transport: tr.transport,
    scheduler: hand.scheduler,
    now: () => now,
    smtp: { maxPerUserPerDay: 2 },
  });
  for (const id of ['1', '2', '3', '4']) svc.raised(raised({ jobid: id, displayId: id }));
  svc.raised(raised({ jobid: '5', displayId: '5', user: 'bob' }));
  await until(() => tr.sent.length === 3, 'two mails to alice, one to bob');
  assert.deepEqual(
    tr.sent.map((m) => `${m.to} ${m.messageId}`),
    [
      'alice@example.org <slurmscope.hpc1.1.uneven_load@hpc.example.org>',
      'alice@example.org <slurmscope.hpc1.2.uneven_load@hpc.example.org>',
      'bob@example.org <slurmscope.hpc1.5.uneven_load@hpc.example.org>',
    ],
  );
  assert.equal(fam(svc, 'slurmscope_mails_suppressed_total'), 2);
  assert.equal(log.records.filter((r) => /daily digest/.test(r.msg)).length, 1, 'logged once per user');
  now += 3600_000;
  hand.fire(0);
  await until(() => tr.sent.length === 4, 'the digest');
  const digest = tr.sent[3]!;
  assert.equal(digest.to, 'alice@example.org');
  assert.match(digest.text, /== job 3 [\s\S]*node c0412: CPU 3 %[\s\S]*== job 4 /);
  assert.match(digest.messageId, /^<slurmscope\.hpc1\.digest\.alice\.\d+@hpc\.example\.org>$/);
  hand.fire(0);
  now += 24 * 3600_000;
  svc.raised(raised({ jobid: '6', displayId: '6' }));
  await until(() => tr.sent.length === 5, 'a mail the next day');
  assert.equal(tr.sent[4]!.messageId, '<slurmscope.hpc1.6.uneven_load@hpc.example.org>', 'no second digest');
  await svc.close();
});

test('digest state survives a restart: a digest due while ctld was down is sent at start, once', async () => {
  let now = T;
  const tr = recordingTransport();
  const hand = handScheduler();
  hand.next.at = T + 3600_000; // the next digest, at 10:00
  const s = testService({
    transport: tr.transport,
    scheduler: hand.scheduler,
    now: () => now,
    smtp: { maxPerUserPerDay: 1 },
  });
  s.svc.raised(raised({ jobid: '1', displayId: '1' }));
  s.svc.raised(raised({ jobid: '2', displayId: '2' })); // folded
  await until(() => tr.sent.length === 1, 'the first mail');
  await s.svc.close();
  // ctld was down from 09:00 to 11:00: the 10:00 digest is sent at start, and only once.
  now = T + 2 * 3600_000;
  hand.next.at = T + 25 * 3600_000;
  const again = testService({
    transport: tr.transport,
    stateDir: s.stateDir,
    scheduler: hand.scheduler,
    now: () => now,
  });
  await until(() => tr.sent.length === 2, 'the missed digest');
  assert.match(tr.sent[1]!.text, /== job 2 /);
  await again.svc.close();
  const third = testService({
    transport: tr.transport,
    stateDir: s.stateDir,
    scheduler: hand.scheduler,
    now: () => now,
  });
  await third.svc.close();
  assert.equal(tr.sent.length, 2, 'a second restart sends no digest');
});

test('weekly summary: top users by idle CPU-hours and energy, findings per kind and partition, then a new week', async () => {
  const now = T;
  const tr = recordingTransport();
  const hand = handScheduler();
  const { svc } = testService({
    transport: tr.transport,
    scheduler: hand.scheduler,
    now: () => now,
    smtp: { adminAddresses: ['hpc-admins@example.org'], timeZone: 'Europe/Berlin' },
  });
  svc.raised(raised({ jobid: '9', user: 'bob' }));
  svc.ended(endedReport({ jobid: '9', user: 'bob', endMs: T, findings: [finding('uneven_load')] }));
  svc.ended(endedReport({ jobid: '10', user: 'carol', endMs: T, findings: [finding('low_cpu_efficiency')] }));
  svc.ended(endedReport({ jobid: '11', user: 'carol', endMs: T, findings: [] }));
  hand.fire(1);
  await until(() => tr.sent.some((m) => m.to === 'hpc-admins@example.org'), 'the summary');
  const m = tr.sent.find((x) => x.to === 'hpc-admins@example.org')!;
  assert.match(m.subject, /weekly summary of testcluster, 2026-03-02 to 2026-03-02/);
  assert.match(m.text, /3 job\(s\) of 2 user\(s\) ended/);
  assert.match(m.text, /Top users by idle CPU-hours:\n {2}carol {2}[\d.]+\n {2}bob {2}[\d.]+\n/);
  assert.match(m.text, /Top users by energy \(kWh\):\n {2}(bob|carol) /);
  // uneven_load raised live (hpc1/9) and in the report (testcluster/9) are two clusters' jobs: counted apart.
  assert.match(m.text, /uneven_load {2}cpu {2}1\n/);
  assert.match(m.text, /uneven_load {2}batch {2}1\n/);
  assert.match(m.text, /low_cpu_efficiency {2}batch {2}1\n/);
  hand.fire(1);
  await until(() => tr.sent.filter((x) => x.to === 'hpc-admins@example.org').length === 2, 'the next summary');
  assert.match(tr.sent.at(-1)!.text, /0 job\(s\) of 0 user\(s\)/, 'a new week');
  await until(() => fam(svc, 'slurmscope_mails_summaries_sent_total') === 2, 'two summaries counted');
  await svc.close();
});

test('dryRun: each mail logged with recipient, subject and Message-ID, counted, not sent; the queue empties', async () => {
  const { svc, log, stateDir } = testService({ smtp: { host: undefined, dryRun: true } });
  svc.raised(raised());
  await until(() => fam(svc, 'slurmscope_mails_dry_run_total') === 1, 'the logged mail');
  const rec = log.records.find((r) => /smtp\.dryRun/.test(r.msg))!;
  assert.deepEqual(rec.fields, {
    to: 'alice@example.org',
    subject: '[slurmscope] job 4242 on hpc1 (running): uneven load',
    messageId: '<slurmscope.hpc1.4242.uneven_load@hpc.example.org>',
  });
  assert.equal(fam(svc, 'slurmscope_mails_sent_total'), 0);
  assert.deepEqual(readdirSync(join(stateDir, 'mail', 'queue')), []);
  await svc.close();
});

test('SMTP down: retried with backoff until it works; a 5xx for the recipient is given up and counted', async () => {
  const refused = Object.assign(new Error('550 5.1.1 no such user'), { responseCode: 550, code: 'EENVELOPE' });
  const down = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:25'), { code: 'ESOCKET' });
  const tr = recordingTransport((call, m) => (call <= 4 ? down : m.to.startsWith('ghost') ? refused : undefined));
  const { svc, log } = testService({ transport: tr.transport });
  svc.raised(raised({ jobid: '1', user: 'ghost' }));
  svc.raised(raised({ jobid: '2' }));
  await until(() => tr.sent.length === 1 && fam(svc, 'slurmscope_mails_failed_total') === 1, 'one sent, one given up');
  assert.equal(tr.calls(), 6, '4 refused connections, then ghost refused for good, then alice');
  assert.equal(tr.sent[0]!.to, 'alice@example.org');
  assert.ok(log.records.some((r) => r.level === 'error' && /refused for good/.test(r.msg)));
  await svc.close();
});

test('the queue: files 0600 in <stateDir>/mail/queue, kept while SMTP is down and sent after a restart', async () => {
  const down = recordingTransport(() => new Error('connect ECONNREFUSED'));
  const s = testService({ transport: down.transport, smtp: { maxQueued: 10 } });
  for (let i = 0; i < 12; i++) s.svc.raised(raised({ jobid: String(i), user: `u${i}` }));
  const dir = join(s.stateDir, 'mail', 'queue');
  assert.equal(readdirSync(dir).length, 10, 'maxQueued');
  assert.equal(fam(s.svc, 'slurmscope_mails_failed_total'), 2, 'refused beyond maxQueued, counted');
  assert.equal(statSync(join(dir, readdirSync(dir)[0]!)).mode & 0o777, 0o600);
  await s.svc.close();
  const up = recordingTransport();
  const again = testService({ transport: up.transport, stateDir: s.stateDir });
  await until(() => up.sent.length === 10, 'the queued mails');
  assert.deepEqual(readdirSync(dir), []);
  assert.equal(new Set(up.sent.map((m) => m.messageId)).size, 10, 'each once');
  await again.svc.close();
});

test('createMailService: undefined without host or dryRun; bad cron or zone is a ConfigError naming the key', () => {
  const log = new RecordingLogger();
  assert.equal(createMailService(ctldConfigSchema.parse({}), log, { stateDir: '/nonexistent' }), undefined);
  const bad = (smtp: object, key: string) =>
    assert.throws(
      () => createMailService(ctldConfigSchema.parse({ smtp: { dryRun: true, ...smtp } }), log, { stateDir: '/x' }),
      (e: unknown) => e instanceof ConfigError && e.key === key,
    );
  bad({ digestCron: '0 25 * * *' }, 'smtp.digestCron');
  bad({ summaryCron: 'every monday' }, 'smtp.summaryCron');
  bad({ timeZone: 'Mars/Olympus_Mons' }, 'smtp.timeZone');
});

test('cronScheduler: node-cron with the time zone: the next digest at 07:00 in Asia/Tokyo', () => {
  const run = cronScheduler('0 7 * * *', 'Asia/Tokyo', () => assert.fail('not fired in this test'));
  const next = run.nextRunMs();
  run.stop();
  assert.ok(next !== undefined && next > Date.now() && next <= Date.now() + 24 * 3600_000);
  const hm = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Tokyo', hour: '2-digit', minute: '2-digit' }).format(
    next,
  );
  assert.equal(hm, '07:00');
});
