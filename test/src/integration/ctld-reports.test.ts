// Job reports on the real cluster: the batch node's agent sends the script, the job ends, ctld
// writes the report once (mode 0640) with slurmdbd's final state, `slurmscope report` prints it,
// and the API hands its contents only to its owner, proven by a real `scontrol token` JWT; the
// user of the (sleeping, so poorly used) job gets one mail about it through the real SMTP sink.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { CLI, freePort, loadStack, runSlurm, submitJob, waitFor, waitForJobState } from '../lib/index.js';
import { startCli, waitForOk, type CliProcess } from './ctld-processes.js';

const stack = loadStack();

/** Decodes a quoted-printable body (soft line breaks, =XX bytes) as UTF-8. */
function quotedPrintable(text: string): string {
  const bytes = text
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

/** A real Slurm JWT for `user` (`scontrol token` prints `SLURM_JWT=<token>`). */
async function slurmToken(user: string): Promise<string> {
  const out = await runSlurm('scontrol', ['token', `username=${user}`, 'lifespan=300'], stack);
  const m = /SLURM_JWT=(\S+)/.exec(out);
  if (!m) throw new Error(`scontrol token printed no SLURM_JWT: ${out.slice(0, 200)}`);
  return m[1]!;
}

test(
  'a finished job has one report: script, record, null energy; only its owner may read it',
  { timeout: 180_000 },
  async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'ctld-reports-'));
    const procs: CliProcess[] = [];
    t.after(async () => {
      await Promise.all(procs.map((p) => p.stop()));
      rmSync(dir, { recursive: true, force: true });
    });
    const token = join(dir, 'agent.token');
    writeFileSync(token, `tok-${process.pid}-${Date.now()}\n`, { mode: 0o600 });
    // A domain of this run only, so that its mail is told apart from any other in the sink.
    const mailDomain = `reports-${process.pid}-${Date.now()}.test`;
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', SLURM_CONF: stack.paths.slurmConf, HOME: dir };
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const ctldConfig = join(dir, 'ctld.yaml');
    writeFileSync(
      ctldConfig,
      JSON.stringify({
        interval: '2s',
        stateDir: join(dir, 'ctld'),
        api: { listen: `127.0.0.1:${port}` },
        auth: { agentTokenFile: token, jwtKeyFile: stack.paths.jwtKey },
        reports: { dir: join(dir, 'reports') },
        smtp: { host: stack.smtp.host, port: stack.smtp.port, userDomain: mailDomain },
        // A 6-second job: judged at once (the defaults wait 40 minutes for low CPU efficiency).
        inspector: { minElapsed: '1s', rules: { low_cpu_efficiency: { grace: '0ms', sustain: '0ms' } } },
      }),
    );
    const ctld = startCli(['ctld', '--config', ctldConfig], { env });
    procs.push(ctld);
    const node = stack.nodes[0]!;
    const agentConfig = join(dir, 'agent.yaml');
    writeFileSync(
      agentConfig,
      JSON.stringify({
        interval: '1s',
        node,
        stateDir: join(dir, 'agent'),
        prometheus: { listen: `127.0.0.1:${await freePort()}` },
        ctld: { url, tokenFile: token },
        gpu: { mode: 'off' },
        slurm: { spoolDir: stack.paths.slurmdSpool },
        throttle: { socket: join(dir, 'run', 'agent.sock') },
      }),
    );
    procs.push(startCli(['agent', '--config', agentConfig], { env }));
    await waitForOk(`${url}/api/v1/availability`, ctld);

    const script = '#!/bin/sh\n# slurmscope report test: tabs\tand "quotes" survive\nsleep 6\necho done\n';
    const jobid = await submitJob(
      { script, nodelist: node, ntasks: 1, mem: '32M', name: 'ctld-report', time: '2:00' },
      stack,
    );
    await waitForJobState(jobid, ['COMPLETED'], 90_000, stack);

    const reportCli = (args: string[]) =>
      spawnSync(process.execPath, [CLI, 'report', ...args], {
        env: { ...env, SLURMSCOPE_CONFIG: ctldConfig },
        encoding: 'utf8',
        timeout: 20_000,
      });
    const json = await waitFor(
      () => {
        const r = reportCli([jobid, '--json']);
        return r.status === 0 ? (JSON.parse(r.stdout) as Record<string, unknown>) : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 1000, what: `the report of job ${jobid}` },
    );
    assert.equal(json.jobid, jobid);
    assert.equal(json.user, 'root');
    assert.equal(json.state, 'COMPLETED');
    assert.equal(json.script, script, 'the exact batch script');
    assert.equal(json.script_source, 'agent', 'captured on the batch node while the job ran');
    assert.equal(typeof json.cpu_seconds, 'number');
    assert.equal(json.energy_joules, null, 'no RAPL or GPU here: energy is null, never 0');
    assert.equal(json.co2_grams, null);
    const files = spawnSync('find', [join(dir, 'reports'), '-name', `${jobid}.json.gz`], { encoding: 'utf8' })
      .stdout.trim()
      .split('\n');
    assert.equal(files.length, 1, 'written once');
    assert.equal(statSync(files[0]!).mode & 0o777, 0o640, 'readable by owner and admins only');
    const text = reportCli([jobid]);
    assert.equal(text.status, 0, text.stderr);
    assert.match(text.stdout, new RegExp(`Job ${jobid}`));
    assert.match(text.stdout, /leaves out power supplies, fans, network and disks/);

    // The job slept: its report warns of low CPU efficiency, and its user got one mail through the
    // stack's real SMTP sink saying so, without the batch script.
    assert.ok(
      (json.findings as { kind: string }[]).some((f) => f.kind === 'low_cpu_efficiency'),
      JSON.stringify(json.findings),
    );
    const mails = await waitFor(
      () => {
        const ours = readdirSync(stack.paths.mail)
          .filter((f) => f.endsWith('.eml'))
          .map((f) => readFileSync(join(stack.paths.mail, f), 'utf8'))
          .filter((m) => m.includes(`root@${mailDomain}`));
        return ours.length > 0 ? ours : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 500, what: `a mail to root@${mailDomain} in ${stack.paths.mail}` },
    );
    assert.equal(mails.length, 1, 'one mail per job');
    assert.match(
      mails[0]!,
      new RegExp(`^Subject: \\[slurmscope\\] job ${jobid} on \\S+( \\(running\\))?: low cpu efficiency`, 'm'),
    );
    const body = quotedPrintable(mails[0]!.split('\r\n\r\n').slice(1).join('\r\n\r\n'));
    // Mailed while it ran (the live rule) or when it ended: one mail either way.
    assert.match(body, /the job used \d+ % of the (CPU time it held|\d+ CPUs it holds)/);
    assert.match(body, new RegExp(`slurmscope report ${jobid}`));
    assert.doesNotMatch(body, /quotes" survive/, 'the batch script stays in the report');

    // The API: no proof, 401; a real JWT of the owner, the report; of someone else, 404.
    const get = (headers: Record<string, string>) => fetch(`${url}/api/v1/reports/${jobid}`, { headers });
    assert.equal((await get({})).status, 401);
    const own = await get({ authorization: `Bearer ${await slurmToken('root')}` });
    assert.equal(own.status, 200);
    assert.equal(((await own.json()) as { script: string }).script, script);
    const other = await get({ 'x-slurm-user-token': await slurmToken('nobody') });
    assert.equal(other.status, 404, "another user's report does not exist for them");
    const forged = await get({ authorization: `Bearer ${(await slurmToken('nobody')).replace(/\.[^.]+$/, '.AAAA')}` });
    assert.equal(forged.status, 401, 'a bad signature is refused');
  },
);
