import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { raised, recordingTransport, testService, until } from './testkit.js';

const fam = (svc: { families(): readonly { name: string; samples: readonly { value: number }[] }[] }, name: string) =>
  svc.families().find((f) => f.name === name)!.samples[0]!.value;

const cases: [string, string][] = [
  ['missing sent, pending and week', JSON.stringify({ version: 1, mailed: {}, counted: {} })],
  ['not JSON', '{"version": 1, "mail'],
  ['a wrong type', JSON.stringify({ version: 1, mailed: { a: 'x' }, counted: {}, sent: {}, pending: {}, week: {} })],
];
for (const [name, text] of cases) {
  test(`a state file ${name} is logged with its path, moved aside, and the service starts empty`, async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'mail-'));
    mkdirSync(join(stateDir, 'mail'));
    const file = join(stateDir, 'mail', 'state.json');
    writeFileSync(file, text);
    const tr = recordingTransport();
    const { svc, log } = testService({ transport: tr.transport, stateDir });
    const rec = log.records.find((r) => /mail state unusable; moved aside/.test(r.msg));
    assert.ok(rec, 'logged');
    assert.equal((rec.fields as { file?: string }).file, file);
    const aside = readdirSync(join(stateDir, 'mail')).filter((n) => n.startsWith('state.json.corrupt-'));
    assert.equal(aside.length, 1);
    assert.equal(readFileSync(join(stateDir, 'mail', aside[0]!), 'utf8'), text, 'kept as it was');
    svc.raised(raised());
    await until(() => tr.sent.length === 1, 'a mail from the fresh state');
    await svc.close();
    assert.doesNotThrow(() => JSON.parse(readFileSync(file, 'utf8')) as unknown);
  });
}

test('a queue file that is not a queued mail is renamed .bad and counted; stale temp files are removed', async () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'mail-'));
  const qdir = join(stateDir, 'mail', 'queue');
  mkdirSync(qdir, { recursive: true });
  const good = {
    messageId: '<slurmscope.hpc1.1.uneven_load@hpc.example.org>',
    what: 'finding',
    user: 'alice',
    subject: 's',
    text: 't',
    html: 'h',
    keys: ['hpc1/1/uneven_load'],
    queuedAtMs: Date.now(),
  };
  const noKeys: Record<string, unknown> = { ...good };
  delete noKeys.keys;
  writeFileSync(join(qdir, '000000000000001-000001-aaaa.json'), JSON.stringify({ ...noKeys, messageId: '<x@y>' }));
  writeFileSync(join(qdir, '000000000000002-000002-bbbb.json'), JSON.stringify(good));
  writeFileSync(join(qdir, '.000000000000003-000003-cccc.json.123.abcdef.tmp'), '{"half');
  const tr = recordingTransport();
  const { svc, log } = testService({ transport: tr.transport, stateDir });
  await until(() => tr.sent.length === 1, 'the good mail');
  assert.equal(tr.sent[0]!.messageId, good.messageId);
  assert.equal(fam(svc, 'slurmscope_mails_failed_total'), 1);
  assert.ok(log.records.some((r) => r.level === 'error' && /renamed to \.bad/.test(r.msg)));
  await svc.close();
  assert.deepEqual(readdirSync(qdir), ['000000000000001-000001-aaaa.json.bad']);
});
