// ctld's mail queue on the stack's real SMTP sink: mails about live findings are queued on disk
// while SMTP is unreachable (a closed port), survive a ctld restart, and reach the sink once it
// is pointed at it: nothing lost, nothing doubled (counted by Message-ID in the stored mails).
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ctldConfigSchema } from '@slurmscope/common';
import { createMailService, type MailService } from '@slurmscope/ctld';
import { RecordingLogger } from '@slurmscope/model';
import { freePort, loadStack, waitFor } from '../lib/index.js';

const stack = loadStack();

type Raised = Parameters<MailService['raised']>[0];

/** A live finding of `jobid` (two nodes, one idle). */
function finding(jobid: string, kind: Raised['kind']): Raised {
  return {
    jobid,
    displayId: jobid,
    cluster: stack.cluster,
    user: 'alice',
    account: 'physics',
    partition: stack.partitions.default,
    kind,
    raisedAtMs: Date.now(),
    elapsedSeconds: 1800,
    value: 0.9,
    threshold: 0.5,
    message: `seen on job ${jobid}`,
    nodes: [
      { node: stack.nodes[0]!, text: 'CPU 3 %', value: 0.03 },
      { node: stack.nodes[1] ?? stack.nodes[0]!, text: 'CPU 97 %', value: 0.97 },
    ],
    cost: { idleCpuHours: 4.5 },
  };
}

/** The Message-IDs of the sink's mails to `domain`, one entry per stored mail. */
function sinkMessageIds(domain: string): string[] {
  return readdirSync(stack.paths.mail)
    .filter((f) => f.endsWith('.eml'))
    .map((f) => readFileSync(join(stack.paths.mail, f), 'utf8'))
    .filter((m) => m.includes(`@${domain}`))
    .map((m) => /^Message-ID:\s+(<[^>]+>)/im.exec(m)?.[1] ?? 'none'); // the header may be folded
}

test('mail queue: SMTP down, ctld restarted, then the real sink: every mail once', { timeout: 60_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'mail-queue-'));
  const services: MailService[] = [];
  t.after(async () => {
    await Promise.all(services.map((s) => s.close(1000)));
    rmSync(dir, { recursive: true, force: true });
  });
  // A domain of this run only, so that its mails are told apart from any other in the sink.
  const domain = `mailq-${process.pid}-${Date.now()}.test`;
  const start = (port: number): { svc: MailService; log: RecordingLogger } => {
    const config = ctldConfigSchema.parse({
      smtp: { host: stack.smtp.host, port, userDomain: domain, from: `slurmscope@${domain}`, maxPerUserPerDay: 10 },
      inspector: { minElapsed: '1m' },
    });
    const log = new RecordingLogger();
    const svc = createMailService(config, log, { stateDir: dir, retryBaseMs: 100, retryCapMs: 500 });
    assert.ok(svc);
    services.push(svc);
    return { svc, log };
  };
  const queued = (svc: MailService): number =>
    svc.families().find((f) => f.name === 'slurmscope_mails_queued')!.samples[0]!.value;
  const findings = [
    finding('9101', 'uneven_load'),
    finding('9101', 'idle_gpus'),
    finding('9102', 'low_cpu_efficiency'),
  ];

  // 1. SMTP unreachable: the mails wait on disk, retried.
  const closed = await freePort();
  const down = start(closed);
  for (const f of findings) down.svc.raised(f);
  await waitFor(() => down.log.records.some((r) => /not sent \(server\); retrying/.test(r.msg)), {
    timeoutMs: 10_000,
    what: `a refused connection to port ${closed} logged`,
  });
  assert.equal(queued(down.svc), 3);
  assert.equal(readdirSync(join(dir, 'mail', 'queue')).length, 3);
  await down.svc.close(1000);

  // 2. ctld restarted, still no SMTP: the queue is loaded, the same findings raise no new mail.
  const still = start(closed);
  for (const f of findings) still.svc.raised(f);
  assert.equal(queued(still.svc), 3, 'loaded from disk, nothing added');
  await still.svc.close(1000);

  // 3. ctld restarted with the real sink: each mail arrives once; the queue is empty.
  const up = start(stack.smtp.port);
  const ids = await waitFor(() => (sinkMessageIds(domain).length >= 3 ? sinkMessageIds(domain) : undefined), {
    timeoutMs: 20_000,
    what: `3 mails to @${domain} in ${stack.paths.mail}`,
  });
  await waitFor(() => queued(up.svc) === 0, { timeoutMs: 5000, what: 'an empty queue' });
  assert.deepEqual(readdirSync(join(dir, 'mail', 'queue')), []);
  const host = domain;
  assert.deepEqual(ids.sort(), [
    `<slurmscope.${stack.cluster}.9101.idle_gpus@${host}>`,
    `<slurmscope.${stack.cluster}.9101.uneven_load@${host}>`,
    `<slurmscope.${stack.cluster}.9102.low_cpu_efficiency@${host}>`,
  ]);
  for (const f of findings) up.svc.raised(f);
  assert.equal(queued(up.svc), 0, 'raised again after delivery: still no new mail');
  await up.svc.close(1000);

  // 4. Once more: a restart sends nothing again.
  const after = start(stack.smtp.port);
  assert.equal(queued(after.svc), 0);

  // 5. A crash right after a mail reached the sink (no close): the restarted ctld does not mail
  // that job and kind again, neither live nor at the job's end.
  const late = finding('9103', 'uneven_load');
  after.svc.raised(late);
  await waitFor(() => (sinkMessageIds(domain).length >= 4 && queued(after.svc) === 0 ? true : undefined), {
    timeoutMs: 20_000,
    what: `the mail about 9103 in ${stack.paths.mail} and an empty queue`,
  });
  const crashed = start(stack.smtp.port); // `after` is never closed before this start
  crashed.svc.raised(late);
  assert.equal(queued(crashed.svc), 0, 'raised again after a crash: no new mail');
  await crashed.svc.close(1000);
  await after.svc.close(1000);
  assert.equal(sinkMessageIds(domain).length, 4, 'nothing doubled');
  const mail = readdirSync(stack.paths.mail)
    .filter((f) => f.endsWith('.eml'))
    .map((f) => readFileSync(join(stack.paths.mail, f), 'utf8'))
    .find((m) => m.includes(`9101.uneven_load@${domain}`))!;
  assert.match(mail, new RegExp(`^To: alice@${domain.replace(/\./g, '\\.')}`, 'm'));
  assert.match(mail, /multipart\/alternative/, 'text and HTML');
  const body = mail.replace(/=\r?\n/g, '').replace(/=3D/g, '='); // quoted-printable soft breaks
  assert.match(body, new RegExp(`node ${stack.nodes[0]}: CPU 3 %`));
});
