import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { processRunning } from '@slurmscope/common';
import { AddressBook, addressArgv } from './address.js';
import { raised, recordingTransport, testService, until } from './testkit.js';

/** A script answering `<user>@ldap.example.org` (or hanging for `slow`), each call logged. */
function lookupScript(): { path: string; calls: () => string[]; pidFile: string } {
  const dir = mkdtempSync(join(tmpdir(), 'addr-'));
  const path = join(dir, 'lookup');
  const log = join(dir, 'calls.log');
  const pidFile = join(dir, 'sleeper.pid');
  writeFileSync(
    path,
    `#!/bin/sh\necho "$1" >> '${log}'\n` +
      `case "$1" in slow) sleep 60 & echo $! > '${pidFile}'; wait ;; bad) echo 'no such user' >&2; exit 3 ;; esac\n` +
      `echo "$1@ldap.example.org"\n`,
  );
  chmodSync(path, 0o755);
  writeFileSync(log, '');
  return { path, pidFile, calls: () => readFileSync(log, 'utf8').split('\n').filter(Boolean) };
}

test('addressArgv: {user} replaced, else the user appended', () => {
  assert.deepEqual(addressArgv(['ldapmail', '--uid={user}'], 'alice'), ['ldapmail', '--uid=alice']);
  assert.deepEqual(addressArgv(['ldapmail', '-q'], 'alice'), ['ldapmail', '-q', 'alice']);
});

test('AddressBook: userDomain without a command; the command answer cached for cacheFor', async () => {
  assert.equal(
    await new AddressBook({ userDomain: 'x.org', timeoutMs: 1000, cacheForMs: 1 }).lookup('bob'),
    'bob@x.org',
  );
  const s = lookupScript();
  let now = 1_000_000;
  const book = new AddressBook({
    userDomain: 'x.org',
    command: [s.path],
    timeoutMs: 5000,
    cacheForMs: 60_000,
    now: () => now,
  });
  assert.equal(await book.lookup('alice'), 'alice@ldap.example.org');
  assert.equal(await book.lookup('alice'), 'alice@ldap.example.org');
  assert.deepEqual(s.calls(), ['alice'], 'the second answer came from the cache');
  now += 60_001;
  await book.lookup('alice');
  assert.deepEqual(s.calls(), ['alice', 'alice'], 'looked up again once the cache expired');
  await assert.rejects(book.lookup('bad'), /smtp\.addressCommand for user bad: .*no such user|exit/);
  assert.equal(book.errors, 1);
});

test('AddressBook: a hung command is killed (its whole process group) after addressTimeout', async () => {
  const s = lookupScript();
  const book = new AddressBook({ userDomain: 'x.org', command: [s.path], timeoutMs: 300, cacheForMs: 60_000 });
  const t0 = Date.now();
  await assert.rejects(book.lookup('slow'), /smtp\.addressCommand for user slow/);
  assert.ok(Date.now() - t0 < 5000, 'not the 60 s of the hung command');
  const pid = Number(readFileSync(s.pidFile, 'utf8'));
  await until(() => !processRunning(pid), `the sleeper ${pid} to be gone`);
});

test('a failing addressCommand: the mail waits in the queue and goes once the command answers', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'addr-'));
  const flag = join(dir, 'down');
  writeFileSync(flag, '');
  const cmd = join(dir, 'lookup');
  writeFileSync(cmd, `#!/bin/sh\n[ -e '${flag}' ] && exit 1\necho "$1@ldap.example.org"\n`);
  chmodSync(cmd, 0o755);
  const tr = recordingTransport();
  const { svc, log } = testService({ transport: tr.transport, smtp: { addressCommand: [cmd, '{user}'] } });
  svc.raised(raised());
  await until(() => log.records.some((r) => /retrying/.test(r.msg)), 'a logged failure');
  assert.equal(tr.calls(), 0);
  const fam = () => svc.families().find((f) => f.name === 'slurmscope_mails_address_errors_total')!.samples[0]!.value;
  assert.ok(fam() >= 1);
  unlinkSync(flag);
  await until(() => tr.sent.length === 1, 'the mail after the lookup worked');
  assert.equal(tr.sent[0]!.to, 'alice@ldap.example.org');
  await svc.close();
});
