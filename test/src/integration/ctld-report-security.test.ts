// The report archive against its users, on the real cluster: a job of an unprivileged user
// (nobody) ends, ctld (root) writes its report; the user can read it (POSIX ACL, through
// `slurmscope report`) but neither rewrite nor replace it, and another uid cannot read it. A gzip
// bomb placed in the archive (300 MiB of zeros) is left out of the index at start-up, named and
// counted, and never served; one behind a genuine report head is indexed, and three concurrent
// API reads of it are JSON 500s naming it while ctld's peak RSS stays bounded; a 5,000-digit
// report id is a 400.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  createWriteStream,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { test } from 'node:test';
import { createGzip, gunzipSync } from 'node:zlib';
import { CLI, freePort, loadStack, slurmEnv, waitFor, waitForJobState } from '../lib/index.js';
import { cliReadableBy, logLine, startCli, waitForOk, type CliProcess } from './ctld-processes.js';

const stack = loadStack();
const NOBODY = 65534;
const OTHER = 65533; // no passwd entry needed: a uid with no ACL on the report
const BOMB_ID = '4000000000'; // a valid job id no test cluster reaches
const FAT_ID = '4000000001';

/** Runs `code` (an ES module) in node as `uid`; returns what it printed as JSON. */
function asUid(uid: number, code: string): Record<string, string> {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], {
    uid,
    gid: uid,
    encoding: 'utf8',
    timeout: 20_000,
  });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as Record<string, string>;
}

/** What `uid` may do to `file` (EACCES/EPERM or 'ok' per operation), tried for real. */
function tryAs(uid: number, file: string): Record<string, string> {
  return asUid(
    uid,
    `import * as fs from 'node:fs';
     import { gunzipSync } from 'node:zlib';
     const f = ${JSON.stringify(file)};
     const mine = '/tmp/slurmscope-forged-' + process.pid;
     fs.writeFileSync(mine, 'forged');
     const t = (fn) => { try { fn(); return 'ok'; } catch (e) { return e.code; } };
     const out = {
       read: t(() => JSON.parse(gunzipSync(fs.readFileSync(f))).jobid),
       rewrite: t(() => fs.writeFileSync(f, 'forged', { flag: 'r+' })),
       chmod: t(() => fs.chmodSync(f, 0o666)),
       unlink: t(() => fs.unlinkSync(f)),
       replace: t(() => fs.renameSync(mine, f)),
     };
     fs.rmSync(mine, { force: true });
     console.log(JSON.stringify(out));`,
  );
}

/** Peak and current resident memory of a process, bytes (Linux /proc/<pid>/status). */
function memory(pid: number): { hwm: number; rss: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]) * 1024;
  return { hwm: kb('VmHWM'), rss: kb('VmRSS') };
}

/** 300 MiB of zeros gzipped (about 300 KB) after `head`, streamed: never held in memory. */
async function writeBomb(path: string, head = ''): Promise<void> {
  const zeros = Buffer.alloc(1024 * 1024);
  const chunks = (function* () {
    yield Buffer.from(head);
    for (let i = 0; i < 300; i++) yield zeros;
  })();
  await pipeline(Readable.from(chunks), createGzip({ level: 9 }), createWriteStream(path, { mode: 0o640 }));
}

test(
  'report archive: the user reads but cannot alter their report; a gzip bomb is refused by name; bad ids are 400',
  { skip: process.getuid?.() !== 0 && 'needs root (ctld as root, jobs as nobody)', timeout: 240_000 },
  async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'ctld-report-security-'));
    chmodSync(dir, 0o711); // as /var/lib/slurmscope: users pass through to the archive
    const procs: CliProcess[] = [];
    t.after(async () => {
      await Promise.all(procs.map((p) => p.stop()));
      rmSync(dir, { recursive: true, force: true });
    });
    const admin = join(dir, 'admin.token');
    const adminToken = `adm-${process.pid}-${Date.now()}`;
    writeFileSync(admin, `${adminToken}\n`, { mode: 0o600 });
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', SLURM_CONF: stack.paths.slurmConf, HOME: dir };
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const reports = join(dir, 'reports');
    const config = join(dir, 'ctld.yaml');
    writeFileSync(
      config,
      JSON.stringify({
        interval: '2s',
        stateDir: join(dir, 'ctld'),
        api: { listen: `127.0.0.1:${port}` },
        auth: { adminTokenFile: admin },
        reports: { dir: reports },
      }),
      { mode: 0o644 }, // `slurmscope report` reads it as the job's user
    );
    let ctld = startCli(['ctld', '--config', config], { env });
    procs.push(ctld);
    await waitForOk(`${url}/api/v1/availability`, ctld);

    // A job of nobody, submitted by nobody (munge says who), long enough for two polls.
    const sbatch = spawnSync(
      'sbatch',
      ['--parsable', '--mem=16M', '--time=2:00', '--output=/dev/null', '--chdir=/tmp', '--wrap=sleep 5'],
      { uid: NOBODY, gid: NOBODY, env: slurmEnv(stack, env), encoding: 'utf8', timeout: 20_000 },
    );
    assert.equal(sbatch.status, 0, sbatch.stderr);
    const jobid = sbatch.stdout.trim().split(';')[0]!;
    await waitForJobState(jobid, ['COMPLETED'], 90_000, stack);
    const file = join(reports, stack.cluster, `${jobid}.json.gz`);
    await waitFor(() => existsSync(file), { timeoutMs: 60_000, intervalMs: 500, what: `the report ${file}` });

    const st = statSync(file);
    assert.deepEqual([st.uid, st.mode & 0o7777], [0, 0o640], "ctld's file, read-only for its group");
    const acl = spawnSync('getfacl', ['-n', '-p', file], { encoding: 'utf8' }).stdout;
    assert.match(acl, new RegExp(`^user:${NOBODY}:r--$`, 'm'));
    assert.match(acl, /^mask::r--$/m, 'the mask lets no ACL entry write');
    assert.deepEqual(
      tryAs(NOBODY, file),
      { read: 'ok', rewrite: 'EACCES', chmod: 'EPERM', unlink: 'EACCES', replace: 'EACCES' },
      'the job user reads, and can neither rewrite nor replace',
    );
    assert.equal(tryAs(OTHER, file).read, 'EACCES', 'no one else reads it');
    const nobodyCli = cliReadableBy(NOBODY); // a copy when the checkout is closed to nobody (under /root)
    t.after(() => nobodyCli.remove());
    const own = spawnSync(process.execPath, [nobodyCli.main, 'report', jobid, '--json'], {
      cwd: nobodyCli.cwd,
      uid: NOBODY,
      gid: NOBODY,
      env: { ...env, HOME: '/tmp', SLURMSCOPE_CONFIG: config },
      encoding: 'utf8',
      timeout: 20_000,
    });
    assert.equal(own.status, 0, own.stderr);
    assert.deepEqual(
      [JSON.parse(own.stdout).jobid, JSON.parse(own.stdout).user],
      [jobid, 'nobody'],
      '`slurmscope report` as the job user reads the file through the ACL',
    );

    // A bomb in the archive: at the next start the index leaves it out, named and counted.
    const bomb = join(reports, stack.cluster, `${BOMB_ID}.json.gz`);
    await writeBomb(bomb);
    assert.ok(statSync(bomb).size < 1024 * 1024, `${statSync(bomb).size} bytes`);
    // The same behind the head of a genuine report (ids changed): indexed from its first 64 KiB.
    const real = gunzipSync(readFileSync(file)).toString('utf8');
    const head = real
      .slice(0, real.indexOf(',"nodes":'))
      .replace(`"jobid":"${jobid}"`, `"jobid":"${FAT_ID}"`)
      .replace(`"display_id":"${jobid}"`, `"display_id":"${FAT_ID}"`);
    const fat = join(reports, stack.cluster, `${FAT_ID}.json.gz`);
    await writeBomb(fat, `${head},"nodes":["`);
    await ctld.stop();
    ctld = startCli(['ctld', '--config', config], { env });
    procs.push(ctld);
    await waitForOk(`${url}/api/v1/availability`, ctld);
    const metrics = await waitFor(
      async () => {
        const text = await (await fetch(`${url}/metrics`)).text();
        return /^slurmscope_reports_unreadable_total 1$/m.test(text) ? text : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 500, what: 'slurmscope_reports_unreadable_total 1' },
    );
    assert.match(metrics, /^slurmscope_reports_tracked_jobs \d+$/m);
    assert.equal(logLine(ctld.stderr(), 'unreadable report left out of the index')?.file, bomb);

    // Three reads at once: each a JSON 500 naming the file; ctld's peak memory stays bounded.
    const pid = ctld.child.pid!;
    const before = memory(pid);
    const get = async (id: string) => {
      const res = await fetch(`${url}/api/v1/reports/${id}`, { headers: { authorization: `Bearer ${adminToken}` } });
      return { status: res.status, body: (await res.json()) as { error: string } };
    };
    const answers = await Promise.all([get(FAT_ID), get(FAT_ID), get(FAT_ID)]);
    for (const a of answers) {
      assert.equal(a.status, 500);
      assert.ok(a.body.error.includes(fat), a.body.error);
      assert.match(a.body.error, /larger than \d+ bytes once inflated/);
    }
    const after = memory(pid);
    const grown = after.hwm - Math.max(before.hwm, before.rss);
    t.diagnostic(`ctld peak RSS ${Math.round(after.hwm / 2 ** 20)} MiB, grown ${Math.round(grown / 2 ** 20)} MiB`);
    assert.ok(
      grown < 150 * 1024 * 1024,
      `peak RSS grew by ${Math.round(grown / 2 ** 20)} MiB (300 MiB per read unbounded)`,
    );
    assert.equal((await get(jobid)).status, 200, 'the genuine report is served');
    assert.equal((await get(BOMB_ID)).status, 404, 'a file left out of the index is not served');

    // Ids that are no job ids: 400 before any file is touched (a 5,000-digit one was a 500).
    for (const id of ['9'.repeat(5000), '12abc', '%2E%2E%2Fx']) {
      const a = await get(id);
      assert.equal(a.status, 400, id.slice(0, 20));
      assert.match(a.body.error, /^not a job id/);
    }
    const cli = spawnSync(process.execPath, [CLI, 'report', BOMB_ID], {
      env: { ...env, SLURMSCOPE_CONFIG: config },
      encoding: 'utf8',
      timeout: 20_000,
    });
    assert.equal(cli.status, 1);
    assert.ok(cli.stderr.includes(`${bomb}: report larger than`), cli.stderr);
  },
);
