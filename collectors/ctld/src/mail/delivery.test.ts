import { test } from 'node:test';
import assert from 'node:assert/strict';
import { failureScope } from './deliver.js';
import { MAX_MAIL_AGE_MS } from './queue.js';
import { raised, recordingTransport, testService, until } from './testkit.js';

const T = Date.parse('2026-03-02T09:00:00Z');
const fam = (svc: { families(): readonly { name: string; samples: readonly { value: number }[] }[] }, name: string) =>
  svc.families().find((f) => f.name === name)!.samples[0]!.value;
const smtpError = (responseCode: number, code: string): Error =>
  Object.assign(new Error(`${responseCode} refused`), { responseCode, code });

test('failureScope: the server refusing one mail (4xx) is that mail, a 5xx for it is permanent, the rest the server', () => {
  const cases: [string, unknown, string][] = [
    ['452 for the recipient', smtpError(452, 'EENVELOPE'), 'mail'],
    ['450 mailbox busy', smtpError(450, 'EENVELOPE'), 'mail'],
    ['451 at DATA', smtpError(451, 'EMESSAGE'), 'mail'],
    ['550 no such user', smtpError(550, 'EENVELOPE'), 'permanent'],
    ['554 message refused', smtpError(554, 'EMESSAGE'), 'permanent'],
    ['535 at login', smtpError(535, 'EAUTH'), 'server'],
    ['421 at greeting', smtpError(421, 'EPROTOCOL'), 'server'],
    ['connection refused', Object.assign(new Error('ECONNREFUSED'), { code: 'ESOCKET' }), 'server'],
    ['not an Error', 'boom', 'server'],
  ];
  for (const [name, err, scope] of cases) assert.equal(failureScope(err), scope, name);
});

test('a 452 for one recipient delays that mail only: the others are sent', async () => {
  const busy = smtpError(452, 'EENVELOPE');
  const tr = recordingTransport((_call, m) => (m.to.startsWith('bob@') ? busy : undefined));
  const { svc, log } = testService({ transport: tr.transport });
  svc.raised(raised({ jobid: '1', user: 'bob' }));
  svc.raised(raised({ jobid: '2', user: 'alice' }));
  svc.raised(raised({ jobid: '3', user: 'carol' }));
  await until(() => tr.sent.length === 2, 'alice and carol');
  assert.deepEqual(tr.sent.map((m) => m.to).sort(), ['alice@example.org', 'carol@example.org']);
  await until(() => tr.calls() >= 5, 'bob retried');
  assert.equal(fam(svc, 'slurmscope_mails_queued'), 1, "bob's mail waits");
  assert.equal(fam(svc, 'slurmscope_mails_failed_total'), 0);
  assert.ok(log.records.some((r) => /not sent \(mail\); retrying/.test(r.msg)));
  await svc.close();
});

test('a mail still failing 3 days after it was queued is given up, logged and counted', async () => {
  let now = T;
  const tr = recordingTransport((_call, m) => (m.to.startsWith('bob@') ? smtpError(450, 'EENVELOPE') : undefined));
  const { svc, log } = testService({ transport: tr.transport, now: () => now });
  svc.raised(raised({ jobid: '1', user: 'bob' }));
  await until(() => tr.calls() >= 3, 'bob retried');
  assert.equal(fam(svc, 'slurmscope_mails_failed_total'), 0, 'not yet');
  now = T + MAX_MAIL_AGE_MS;
  await until(() => fam(svc, 'slurmscope_mails_failed_total') === 1, 'given up');
  assert.equal(fam(svc, 'slurmscope_mails_queued'), 0);
  const rec = log.records.find((r) => /after 3 days in the queue; given up/.test(r.msg));
  assert.ok(rec);
  assert.equal(rec.level, 'error');
  assert.equal((rec.fields as { user?: string }).user, 'bob');
  await svc.close();
});

test('an address the addressCommand never finds is retried, then given up after 3 days', async () => {
  let now = T;
  const tr = recordingTransport();
  const { svc } = testService({
    transport: tr.transport,
    now: () => now,
    smtp: { addressCommand: ['/bin/false'], addressTimeout: '5s' },
  });
  svc.raised(raised({ jobid: '1', user: 'ghost' }));
  await until(() => fam(svc, 'slurmscope_mails_address_errors_total') >= 2, 'the lookup retried');
  assert.equal(fam(svc, 'slurmscope_mails_failed_total'), 0);
  now = T + MAX_MAIL_AGE_MS + 1;
  await until(() => fam(svc, 'slurmscope_mails_failed_total') === 1, 'given up');
  assert.equal(tr.sent.length, 0);
  await svc.close();
});
