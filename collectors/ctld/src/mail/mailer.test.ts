import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RecordingLogger } from '@slurmscope/model';
import { sampleReport } from '../reports/testkit.js';
import { UserMailer, type MailerOptions } from './mailer.js';

const T = Date.parse('2026-03-01T12:00:00Z');
const poor = (jobid: string, user = 'alice') => sampleReport({ jobid, user, endMs: T, cpuSeconds: 60 });

/** A transport that records what it was given and fails the first `failures` sends. */
function transport(failures = 0) {
  const sent: { to: string; subject: string; text: string; from: string }[] = [];
  let calls = 0;
  let closed = false;
  return {
    sent,
    calls: () => calls,
    closed: () => closed,
    t: {
      sendMail: (m: { to: string; subject: string; text: string; from: string }) => {
        calls++;
        if (calls <= failures) return Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:25'));
        sent.push(m);
        return Promise.resolve({});
      },
      close: () => {
        closed = true;
      },
    } as unknown as NonNullable<MailerOptions['transport']>,
  };
}

function mailer(over: Partial<MailerOptions> = {}, failures = 0) {
  const log = new RecordingLogger();
  const tr = transport(failures);
  const m = new UserMailer({
    host: 'smtp.example.org',
    port: 25,
    from: 'slurmscope@example.org',
    userDomain: 'example.org',
    log,
    minElapsedSeconds: 60,
    transport: tr.t,
    retryDelayMs: () => 10,
    ...over,
  });
  return { m, log, tr };
}

async function settled(m: UserMailer): Promise<void> {
  await m.close(2000);
}

test('UserMailer: one mail per poorly used job, to <user>@<userDomain>, from the configured sender', async () => {
  const { m, tr } = mailer();
  assert.equal(m.notify(poor('1')), 'queued');
  assert.equal(m.notify(sampleReport({ jobid: '2', user: 'alice', endMs: T })), 'no findings');
  await settled(m);
  assert.equal(tr.sent.length, 1);
  assert.equal(tr.sent[0]!.to, 'alice@example.org');
  assert.equal(tr.sent[0]!.from, 'slurmscope@example.org');
  assert.match(tr.sent[0]!.subject, /job 1 /);
  assert.deepEqual(m.counters, { sent: 1, failed: 0, suppressed: 0 });
  assert.equal(tr.closed(), true);
});

test('UserMailer: short jobs get no mail; at most maxPerUserPerDay per user in 24 h', async () => {
  let now = T;
  const { m, tr, log } = mailer({ minElapsedSeconds: 601, maxPerUserPerDay: 2, now: () => now });
  assert.equal(m.notify(poor('1')), 'too short', 'the sample job ran 600 s');
  const { m: m2, tr: tr2, log: log2 } = mailer({ maxPerUserPerDay: 2, now: () => now });
  assert.deepEqual(
    ['1', '2', '3', '4'].map((id) => m2.notify(poor(id))),
    ['queued', 'queued', 'limited', 'limited'],
  );
  assert.equal(m2.notify(poor('5', 'bob')), 'queued', 'another user has their own limit');
  now += 24 * 3600 * 1000 + 1;
  assert.equal(m2.notify(poor('6')), 'queued', 'a day later alice may get mail again');
  await settled(m);
  await settled(m2);
  assert.equal(tr.sent.length, 0);
  assert.deepEqual(
    tr2.sent.map((s) => s.to),
    ['alice@example.org', 'alice@example.org', 'bob@example.org', 'alice@example.org'],
  );
  assert.equal(m2.counters.suppressed, 2);
  assert.equal(log2.records.filter((r) => /limit per user/.test(r.msg)).length, 1, 'logged once per user and day');
  assert.equal(log.records.length, 0);
});

test('UserMailer: a failing SMTP server is retried, then the mail is given up, logged and counted', async () => {
  const { m, log, tr } = mailer({ attempts: 3 }, 4);
  m.notify(poor('1'));
  m.notify(poor('2'));
  const deadline = Date.now() + 5000;
  while (m.counters.sent + m.counters.failed < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  assert.deepEqual(m.counters, { sent: 1, failed: 1, suppressed: 0 });
  assert.equal(tr.calls(), 5, 'job 1: 3 tries; job 2: 1 failure, then sent');
  assert.equal(tr.sent[0]!.subject.includes('job 2 '), true);
  const errors = log.records.filter((r) => r.level === 'error');
  assert.equal(errors.length, 1);
  assert.match(errors[0]!.msg, /cannot mail via smtp\.example\.org:25; mail given up/);
  assert.match(JSON.stringify(errors[0]!.fields), /ECONNREFUSED/);
  await m.close();
  const fams = new Map(m.families().map((f) => [f.name, f.samples[0]!.value]));
  assert.equal(fams.get('slurmscope_mails_sent_total'), 1);
  assert.equal(fams.get('slurmscope_mails_failed_total'), 1);
});

test('UserMailer: close sends what is queued, then drops (and counts) what cannot go', async () => {
  const { m, log } = mailer({ retryDelayMs: () => 60_000 }, 100);
  m.notify(poor('1'));
  m.notify(poor('2', 'bob'));
  await new Promise((r) => setTimeout(r, 20));
  const t0 = Date.now();
  await m.close(1000);
  assert.ok(Date.now() - t0 < 1500, 'close does not wait for a 60 s retry');
  assert.equal(m.counters.failed, 2);
  assert.ok(log.records.some((r) => /unsent mails dropped/.test(r.msg)));
  assert.equal(m.notify(poor('3')), 'closed');
});
