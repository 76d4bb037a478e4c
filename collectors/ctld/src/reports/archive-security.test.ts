// The archive against its own users: who owns a report, who may read or replace it, and what a
// report file that inflates without end (a gzip bomb) or an id of 5,000 digits does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  mkdirSync,
  mkdtempSync,
  readlinkSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { RecordingLogger } from '@slurmscope/model';
import { LocalArchive, reportPath } from './archive.js';
import { ReportGuard } from './permissions.js';
import { isJobId } from './index-file.js';
import { readReportHead, ReportTooLargeError } from './report-file.js';
import { sampleReport } from './testkit.js';

const T = Date.parse('2026-03-01T12:00:00Z');
const root = process.getuid?.() === 0;
const setfacl = spawnSync('setfacl', ['--version']).status === 0;

/** The `file` field of a log record. */
const fileOf = (r: { fields: object }): string => String((r.fields as { file?: unknown }).file);

/** Runs `code` in a node child as `uid`; returns what it printed as JSON. */
function asUser(uid: number, code: string): Record<string, string> {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { uid, gid: uid, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as Record<string, string>;
}

test(
  "permissions: ctld owns each report (admin group, 0640); its user reads it by ACL but can't rewrite or replace it",
  { skip: (!root || !setfacl) && 'needs root and setfacl (Debian package acl)' },
  async () => {
    const top = mkdtempSync(join(tmpdir(), 'archive-'));
    chmodSync(top, 0o711); // as /var/lib/slurmscope: users pass through
    const dir = join(top, 'reports');
    const a = await LocalArchive.open({ dir, cluster: 'c', log: new RecordingLogger(), gid: 4242 });
    await a.put(sampleReport({ jobid: '7', user: 'alice', endMs: T })); // uid 1000
    const file = join(dir, 'c', '7.json.gz');
    const st = statSync(file);
    assert.deepEqual([st.uid, st.gid, st.mode & 0o7777], [0, 4242, 0o640]);
    assert.match(spawnSync('getfacl', ['-n', file], { encoding: 'utf8' }).stdout, /^user:1000:r--$/m);
    for (const d of [dir, join(dir, 'c'), join(dir, 'c', 'aliases')]) {
      assert.deepEqual([statSync(d).uid, statSync(d).mode & 0o777], [0, 0o711], d);
    }
    const tried = asUser(
      1000,
      `import * as fs from 'node:fs';
       const f = ${JSON.stringify(file)};
       const t = (fn) => { try { fn(); return 'ok'; } catch (e) { return e.code; } };
       console.log(JSON.stringify({
         read: t(() => fs.readFileSync(f)),
         write: t(() => fs.writeFileSync(f, 'x', { flag: 'r+' })),
         chmod: t(() => fs.chmodSync(f, 0o666)),
         unlink: t(() => fs.unlinkSync(f)),
         create: t(() => fs.writeFileSync(f + '.new', 'x')),
         list: t(() => fs.readdirSync(${JSON.stringify(join(dir, 'c'))})),
       }));`,
    );
    assert.deepEqual(tried, {
      read: 'ok',
      write: 'EACCES',
      chmod: 'EPERM',
      unlink: 'EACCES',
      create: 'EACCES',
      list: 'EACCES',
    });
    await a.close();
  },
);

test(
  'old layout: a report owned by its user is taken back at start-up; a link in the archive is refused',
  { skip: !root && 'needs root (chown)' },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'archive-'));
    const log = new RecordingLogger();
    const grants: [string, number][] = [];
    const grantRead = (p: string, uid: number): Promise<void> => (grants.push([p, uid]), Promise.resolve());
    const stripAcl = (): Promise<void> => Promise.resolve();
    const open = () => LocalArchive.open({ dir, cluster: 'c', log, gid: 4242, grantRead, stripAcl });
    await (await open()).put(sampleReport({ jobid: '7', user: 'alice', endMs: T }));
    const file = join(dir, 'c', '7.json.gz');
    chownSync(file, 1000, 1000); // as the old layout left it, and its user made it writable by all
    chmodSync(file, 0o666);
    symlinkSync('/etc/shadow', join(dir, 'c', '9.json.gz'));
    grants.length = 0;
    const b = await open();
    const st = statSync(file);
    assert.deepEqual([st.uid, st.gid, st.mode & 0o7777], [0, 4242, 0o640]);
    assert.deepEqual(grants, [[file, 1000]], 'its former owner keeps read access');
    assert.deepEqual(b.counts(), { adopted: 1, refused: 1, aclErrors: 0, unreadable: 0 });
    assert.ok(log.records.some((r) => r.level === 'warn' && fileOf(r) === file && /old layout/.test(r.msg)));
    assert.ok(log.records.some((r) => r.level === 'error' && /9\.json\.gz$/.test(fileOf(r))));
    assert.deepEqual(
      (await b.list({})).map((e) => e.jobid),
      ['7'],
    );
  },
);

/** The ACL entries of a path (`getfacl -n`), comments left out. */
function acl(path: string): string[] {
  const out = spawnSync('getfacl', ['-n', '--', path], { encoding: 'utf8' }).stdout;
  return out.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
}

const REPORT_ACL = (uid: number): string[] => ['user::rw-', `user:${uid}:r--`, 'group::r--', 'mask::r--', 'other::---'];

test(
  "ACLs: a report taken back loses its former owner's entries (mask r--); a default ACL on ctld's directory is dropped",
  { skip: (!root || !setfacl) && 'needs root and setfacl (Debian package acl)' },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'archive-'));
    const open = () => LocalArchive.open({ dir, cluster: 'c', log: new RecordingLogger(), gid: 4242 });
    await (await open()).put(sampleReport({ jobid: '7', user: 'alice', endMs: T })); // uid 1000
    const file = join(dir, 'c', '7.json.gz');
    chownSync(file, 1000, 1000); // the old layout: its user owned it, and shared it
    const seed = (args: string[]) => assert.equal(spawnSync('setfacl', args).status, 0, args.join(' '));
    seed(['-m', 'u:65533:rw,g:65533:rw', file]);
    seed(['-m', 'd:u:65533:rw,u:65533:rwx', join(dir, 'c')]);
    const b = await open();
    assert.deepEqual(acl(file), REPORT_ACL(1000), 'only its former owner reads it; nobody else writes');
    assert.deepEqual(acl(join(dir, 'c')), ['user::rwx', 'group::--x', 'other::--x']);
    await b.put(sampleReport({ jobid: '8', user: 'alice', endMs: T }));
    assert.deepEqual(acl(join(dir, 'c', '8.json.gz')), REPORT_ACL(1000), 'nothing inherited');
    assert.deepEqual(b.counts(), { adopted: 1, refused: 0, aclErrors: 0, unreadable: 0 });
    await b.close();
  },
);

test('a gzip bomb in the archive: left out of the index (named, counted); reading it is an error naming it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'archive-'));
  const log = new RecordingLogger();
  const open = () => LocalArchive.open({ dir, cluster: 'c', log, grantRead: () => Promise.resolve() });
  const a = await open();
  await a.put(sampleReport({ jobid: '1', user: 'alice', endMs: T }));
  const bomb = join(dir, 'c', '77.json.gz');
  writeFileSync(bomb, gzipSync(Buffer.alloc(40 * 1024 * 1024), { level: 9 })); // 40 KB → 40 MiB
  // A genuine report head followed by 20 MiB of script: indexed from its head, refused whole.
  const fat = sampleReport({ jobid: '78', user: 'bob', endMs: T + 1000, script: 'x'.repeat(20 * 1024 * 1024) });
  writeFileSync(join(dir, 'c', '78.json.gz'), gzipSync(JSON.stringify(fat)));
  const head = await readReportHead(bomb);
  assert.deepEqual([head.complete, head.text.length], [false, 64 * 1024], 'only 64 KiB inflated');

  const b = await open();
  assert.deepEqual(
    (await b.list({})).map((e) => e.jobid),
    ['78', '1'],
  );
  assert.equal(b.counts().unreadable, 1);
  const line = log.records.find((r) => r.msg === 'unreadable report left out of the index');
  assert.equal(line && fileOf(line), bomb);
  assert.equal(await b.get('77'), undefined, 'a report left out of the index is not served');
  await assert.rejects(
    b.get('78'),
    (err: unknown) =>
      err instanceof ReportTooLargeError && err.path === join(dir, 'c', '78.json.gz') && err.message.includes(err.path),
  );
  assert.equal((await b.get('1'))?.user, 'alice');
});

test('only indexed reports are served: not a link adopt() refused, not a stray alias; a foreign alias is replaced', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'archive-'));
  const log = new RecordingLogger();
  const open = () => LocalArchive.open({ dir, cluster: 'c', log, grantRead: () => Promise.resolve() });
  await (await open()).close();
  const outside = join(mkdtempSync(join(tmpdir(), 'elsewhere-')), 'x.json.gz');
  writeFileSync(outside, gzipSync(JSON.stringify(sampleReport({ jobid: '9', user: 'mallory', endMs: T }))));
  symlinkSync(outside, join(dir, 'c', '9.json.gz')); // refused at start-up: not a plain file
  symlinkSync(outside, join(dir, 'c', 'aliases', '5_1.json.gz'));
  symlinkSync(outside, join(dir, 'c', 'aliases', '12_3.json.gz'));
  const a = await open();
  assert.equal(a.counts().refused, 1);
  assert.equal(await a.get('9'), undefined);
  assert.equal(await a.get('5_1'), undefined);
  await a.put(sampleReport({ jobid: '12', user: 'alice', endMs: T, displayId: '12_3' }));
  assert.equal(readlinkSync(join(dir, 'c', 'aliases', '12_3.json.gz')), join('..', '12.json.gz'));
  assert.ok(log.records.some((r) => r.level === 'warn' && /alias .*replaced/.test(r.msg)));
  assert.equal((await a.get('12_3'))?.user, 'alice');
  await a.close();
});

test('job ids: a 5,000-digit or malformed id is no path and no report', async () => {
  const cases: [string, boolean][] = [
    ['1', true],
    ['4294967295', true],
    ['1234_5', true],
    ['1234+1', true],
    ['4294967296', false],
    ['1'.repeat(5000), false],
    ['12345678901', false],
    ['../x', false],
    ['12abc', false],
    ['', false],
    ['1_', false],
  ];
  for (const [id, ok] of cases) {
    assert.equal(isJobId(id), ok, id.slice(0, 20));
    assert.equal(reportPath('/r', 'c', id) !== undefined, ok, id.slice(0, 20));
  }
  const a = await LocalArchive.open({
    dir: mkdtempSync(join(tmpdir(), 'archive-')),
    cluster: 'c',
    log: new RecordingLogger(),
  });
  assert.equal(await a.get('9'.repeat(5000)), undefined);
});

test("directories: ctld's own lose write bits for others; a reports.dir others may write (no sticky bit) is refused", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'archive-'));
  const log = new RecordingLogger();
  const open = () => LocalArchive.open({ dir, cluster: 'c', log, grantRead: () => Promise.resolve() });
  await (await open()).close();
  chmodSync(join(dir, 'c'), 0o777);
  await (await open()).close();
  assert.equal(statSync(join(dir, 'c')).mode & 0o777, 0o755);
  assert.ok(log.records.some((r) => r.level === 'warn' && /writable by others: fixed/.test(r.msg)));
  chmodSync(dir, 0o1777); // as /tmp: others cannot move what is not theirs
  await (await open()).close();
  assert.equal(statSync(dir).mode & 0o7777, 0o1777, 'reports.dir is never changed');
  chmodSync(dir, 0o777);
  await assert.rejects(open(), new RegExp(`^Error: ${dir} \\(mode 777\\) is writable by others`));
});

test(
  'directories: ctld not root refuses a cluster or alias directory another uid made first in a sticky reports.dir',
  { skip: !root && "needs root (chown, to make the directory another uid's)" },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'archive-'));
    chmodSync(dir, 0o1777); // as /tmp: anyone may create the cluster directory first
    const cluster = join(dir, 'c');
    mkdirSync(cluster, { mode: 0o755 });
    chownSync(cluster, 65533, 65533); // made by another user
    // ctld as uid 4000 (not root), as it would run as a service user.
    const guard = new ReportGuard({ log: new RecordingLogger(), uid: 4000, stripAcl: () => Promise.resolve() });
    await guard.directory(dir, false);
    await assert.rejects(guard.directory(cluster, true), (err: Error) => {
      assert.equal(
        err.message.startsWith(`${cluster} is owned by uid 65533, not by ctld (uid 4000)`),
        true,
        err.message,
      );
      return true;
    });
    chownSync(cluster, 4000, 4000);
    await guard.directory(cluster, true); // ctld's own: accepted
    const aliases = join(cluster, 'aliases');
    mkdirSync(aliases, { mode: 0o755 });
    chownSync(aliases, 65533, 65533);
    await assert.rejects(guard.directory(aliases, true), new RegExp(`^Error: ${aliases} is owned by uid 65533`));
    assert.equal(statSync(aliases).uid, 65533, 'never taken back by a ctld that is not root');
  },
);
