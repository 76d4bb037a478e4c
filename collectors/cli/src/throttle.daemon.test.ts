import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitUntil } from '@slurmscope/model';

/**
 * The throttler end to end: the real CLI as a daemon on a fixture tree of cgroups (jobs 42 on
 * CPUs 0-1 and 43 on CPU 1) and cpufreq (8 threads, siblings 0,4 1,5 2,6 3,7; a site cap of
 * 3000000 kHz below the hardware maximum of 3500000; floor = cpuinfo_min_freq 800000).
 */
const main = fileURLToPath(new URL('./main.js', import.meta.url));
const testdata = fileURLToPath(new URL('../../node-agent/testdata/', import.meta.url));
const CAP = 3_000_000;
const FLOOR = 800_000;

function makeRoot(): string {
  const root = mkdtempSync(join(tmpdir(), 'throttle-e2e-'));
  cpSync(join(testdata, 'root-node'), root, { recursive: true, verbatimSymlinks: true });
  cpSync(join(testdata, 'throttle/root'), root, { recursive: true, verbatimSymlinks: true, force: true });
  return root;
}

const maxFreq = (root: string, cpu: number): number =>
  Number(readFileSync(join(root, `sys/devices/system/cpu/cpu${cpu}/cpufreq/scaling_max_freq`), 'utf8').trim());
const freqs = (root: string): number[] => [0, 1, 2, 3, 4, 5, 6, 7].map((c) => maxFreq(root, c));

function startAgent(
  root: string,
  dir: string,
  opts: { mode: string; grace: string },
): { child: ChildProcess; log: () => string; config: string } {
  const config = join(dir, `agent-${opts.mode}-${opts.grace}.yaml`);
  writeFileSync(
    config,
    [
      'interval: 200ms',
      `stateDir: ${dir}/state`,
      'prometheus:',
      '  listen: 127.0.0.1:0',
      'gpu:',
      '  mode: "off"',
      'throttle:',
      `  mode: ${opts.mode}`,
      `  grace: ${opts.grace}`,
      '  prologTimeout: 1m',
      `  socket: ${dir}/run/agent.sock`,
      '',
    ].join('\n'),
  );
  const child = spawn(process.execPath, [main, 'agent', '--config', config, '--root', root, '--node', 'n1'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  return { child, log: () => stderr, config };
}

const exited = (child: ChildProcess): Promise<number | null> =>
  child.exitCode !== null
    ? Promise.resolve(child.exitCode)
    : new Promise((resolve) => child.once('exit', (code) => resolve(code)));

function removeJob(root: string, uid: number, job: number): void {
  for (const c of ['cpuacct', 'memory', 'cpuset'])
    rmSync(join(root, `sys/fs/cgroup/${c}/slurm_n1/uid_${uid}/job_${job}`), { recursive: true, force: true });
}

test('core mode: throttles exactly the free physical cores, a prolog restores at once, SIGTERM restores the cap', async () => {
  const root = makeRoot();
  const dir = mkdtempSync(join(tmpdir(), 'throttle-dir-'));
  const agent = startAgent(root, dir, { mode: 'core', grace: '600ms' });
  try {
    // Jobs hold threads 0 and 1: physical cores (0,4) and (1,5) stay at the cap, (2,6) and (3,7) go to the floor.
    await waitUntil('free cores throttled', () => maxFreq(root, 2) === FLOOR && maxFreq(root, 7) === FLOOR, {
      timeoutMs: 10_000,
    });
    assert.deepEqual(freqs(root), [CAP, CAP, FLOOR, FLOOR, CAP, CAP, FLOOR, FLOOR], agent.log());

    // Both jobs end: after the grace every core is throttled.
    removeJob(root, 1001, 43);
    removeJob(root, 1000, 42);
    await waitUntil('all cores throttled', () => freqs(root).every((f) => f === FLOOR), { timeoutMs: 10_000 });

    // A prolog for a job whose cgroup does not exist yet restores the whole node before returning.
    const t0 = Date.now();
    const hook = spawnSync(process.execPath, [main, 'hook', 'prolog', '--config', agent.config, '--root', root], {
      env: { PATH: process.env.PATH, SLURM_JOB_ID: '99', SLURMD_NODENAME: 'n1' },
      encoding: 'utf8',
      timeout: 10_000,
    });
    assert.equal(hook.status, 0, hook.stderr);
    assert.deepEqual(freqs(root), Array(8).fill(CAP), 'restored when the prolog returns');
    const hookMs = Date.now() - t0;
    // The gap between prolog and the job's cgroup is not idleness: nothing is throttled in it.
    await new Promise((r) => setTimeout(r, 1500));
    assert.deepEqual(freqs(root), Array(8).fill(CAP), 'still restored 1.5 s (> grace) after the prolog');
    assert.ok(hookMs < 5000, `prolog took ${hookMs} ms`);
  } finally {
    agent.child.kill('SIGTERM');
  }
  assert.equal(await exited(agent.child), 0, agent.log());
  assert.deepEqual(freqs(root), Array(8).fill(CAP), 'SIGTERM restores the site cap, not the hardware maximum');
});

test('node mode throttles only an empty node; SIGKILL then a new start restores', async () => {
  const root = makeRoot();
  const dir = mkdtempSync(join(tmpdir(), 'throttle-dir-'));
  const first = startAgent(root, dir, { mode: 'node', grace: '400ms' });
  try {
    await new Promise((r) => setTimeout(r, 1500));
    assert.deepEqual(freqs(root), Array(8).fill(CAP), 'jobs on the node: nothing throttled in node mode');
    removeJob(root, 1001, 43);
    removeJob(root, 1000, 42);
    await waitUntil('node throttled', () => freqs(root).every((f) => f === FLOOR), { timeoutMs: 10_000 });
  } finally {
    first.child.kill('SIGKILL');
  }
  await exited(first.child);
  assert.deepEqual(freqs(root), Array(8).fill(FLOOR), 'a killed agent leaves its cores throttled');

  const second = startAgent(root, dir, { mode: 'node', grace: '10m' });
  try {
    await waitUntil('restored after the crash', () => freqs(root).every((f) => f === CAP), { timeoutMs: 10_000 });
    assert.match(second.log(), /restored cores a previous run left throttled/);
  } finally {
    second.child.kill('SIGTERM');
  }
  assert.equal(await exited(second.child), 0, second.log());
});
