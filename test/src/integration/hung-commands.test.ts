// A site's wrapper around a Slurm command (`sudo`, a module load, an audit script) that hangs in a
// child process, or leaves one behind holding stdout, against the real cluster: `slurmscope ctld
// --once` (Slurm binaries from `slurm.binDir`) returns within its timeout, names the command, and
// leaves no process of the wrapper's group behind.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { isNotFound, processGroupMembers, processRunning } from '@slurmscope/common';
import { waitUntil } from '@slurmscope/model';
import { CLI, loadStack, slurmEnv } from '../lib/index.js';

const stack = loadStack();

/** Where `name` is on PATH (the real Slurm client). */
function which(name: string): string {
  const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  const path = r.stdout.trim();
  assert.ok(r.status === 0 && path.startsWith('/'), `${name} not on PATH`);
  return path;
}

/**
 * A binDir of wrappers: sinfo, scontrol and sdiag exec the real ones; squeue records its own pid
 * (its process group, as it runs detached) and its `sleep 600` child's, then runs `squeueTail`.
 */
function binDir(dir: string, squeueTail: string): { bin: string; pids: string } {
  const bin = join(dir, 'bin');
  const pids = join(dir, 'pids');
  mkdirSync(bin);
  for (const name of ['sinfo', 'scontrol', 'sdiag', 'sacct'])
    writeFileSync(join(bin, name), `#!/bin/sh\nexec ${which(name)} "$@"\n`, { mode: 0o755 });
  const squeue = `#!/bin/sh\nsleep 600 &\necho "$$ $!" >> '${pids}'\n${squeueTail.replace('SQUEUE', which('squeue'))}\n`;
  writeFileSync(join(bin, 'squeue'), squeue);
  chmodSync(join(bin, 'squeue'), 0o755);
  return { bin, pids };
}

/**
 * Runs `slurmscope ctld --once` with `binDir` and a Slurm timeout; kills it (the test fails) after
 * 30 s. With `interruptWhen` (a wrapper's pids file), sends it SIGINT once the wrapper has started;
 * `ms` then counts from the signal.
 */
async function ctldOnce(
  t: TestContext,
  dir: string,
  bin: string,
  timeoutMs: number,
  interruptWhen?: string,
): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  const config = join(dir, 'ctld.yaml');
  writeFileSync(config, JSON.stringify({ slurm: { binDir: bin, timeout: `${timeoutMs}ms` } }));
  const t0 = Date.now();
  const child = spawn(process.execPath, [CLI, 'ctld', '--once', '--config', config], {
    env: slurmEnv(stack, { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const guard = setTimeout(() => child.kill('SIGKILL'), 30_000);
  t.after(() => clearTimeout(guard));
  const closed = new Promise<number | null>((resolve) => child.once('close', (c) => resolve(c)));
  let from = t0;
  if (interruptWhen !== undefined) {
    await waitUntil('the squeue wrapper to start', () => started(interruptWhen), { timeoutMs: 20_000 });
    from = Date.now();
    child.kill('SIGINT');
  }
  const code = await closed;
  clearTimeout(guard);
  return { code, stdout, stderr, ms: Date.now() - from };
}

/** Whether the wrapper has recorded its pids (a whole line). */
function started(pids: string): boolean {
  try {
    return readFileSync(pids, 'utf8').endsWith('\n');
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
}

/** The wrapper runs recorded: [its pid = its process group, its sleep child's pid]. */
function runs(pids: string): Array<[number, number]> {
  return readFileSync(pids, 'utf8')
    .trim()
    .split('\n')
    .map((line) => line.split(' ').map(Number) as [number, number]);
}

/** Kills whatever the wrappers left (only a failing test leaves anything). */
function killLeftovers(pids: string): void {
  let groups: Array<[number, number]>;
  try {
    groups = runs(pids);
  } catch (err) {
    if (isNotFound(err)) return; // the wrapper never ran
    throw err;
  }
  for (const [pgid, sleep] of groups)
    for (const pid of [...processGroupMembers(pgid), sleep]) if (processRunning(pid)) process.kill(pid, 'SIGKILL');
}

/** Asserts that nothing of the wrappers' groups is alive (waiting a little for SIGKILL to land); kills leftovers. */
async function assertNoLeftovers(pids: string): Promise<void> {
  const groups = runs(pids);
  assert.ok(groups.length >= 1, 'the squeue wrapper ran');
  const left = (): number[] => [
    ...new Set([
      ...groups.flatMap(([pgid]) => processGroupMembers(pgid)),
      ...groups.map(([, s]) => s).filter(processRunning),
    ]),
  ];
  const end = Date.now() + 3000;
  while (left().length > 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
  const survivors = left();
  for (const pid of survivors) process.kill(pid, 'SIGKILL');
  assert.deepEqual(survivors, [], "processes of the wrapper's group survived");
}

/** A temporary binDir (see {@link binDir}) that the test's end removes, its leftovers killed first. */
function wrappers(t: TestContext, squeueTail: string): { dir: string; bin: string; pids: string } {
  const dir = mkdtempSync(join(tmpdir(), 'hung-commands-'));
  const { bin, pids } = binDir(dir, squeueTail);
  // Hooks run in order: the leftovers (listed in the pids file) are killed before dir goes.
  t.after(() => killLeftovers(pids));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return { dir, bin, pids };
}

test(
  'ctld --once: a squeue wrapper hanging in a child times out naming squeue, its group killed',
  { timeout: 60_000 },
  async (t) => {
    const { dir, bin, pids } = wrappers(t, 'wait');
    const r = await ctldOnce(t, dir, bin, 2000);
    t.diagnostic(`exit ${r.code} after ${r.ms} ms: ${r.stderr.trim().split('\n').pop()}`);
    assert.equal(r.code, 1, r.stderr);
    assert.ok(r.ms < 12_000, `took ${r.ms} ms with a 2 s timeout`);
    const last = r.stderr.trim().split('\n').pop() ?? '';
    assert.ok(last.startsWith(`slurmscope ctld: Slurm poll failed: ${join(bin, 'squeue')} `), last);
    assert.match(last, /: no answer within 2000 ms$/);
    await assertNoLeftovers(pids);
  },
);

test(
  'ctld --once: a squeue wrapper that leaves a child holding stdout answers at once, the child killed',
  { timeout: 60_000 },
  async (t) => {
    const { dir, bin, pids } = wrappers(t, 'exec SQUEUE "$@"');
    const r = await ctldOnce(t, dir, bin, 10_000);
    t.diagnostic(`exit ${r.code} after ${r.ms} ms`);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.ms < 10_000, `took ${r.ms} ms: it waited for the leftover child (Slurm timeout 10 s)`);
    assert.match(r.stdout, /^slurmscope_\w+\{[^}]*command="jobs"[^}]*\} 1$/m, 'the poll ran squeue once');
    await assertNoLeftovers(pids);
  },
);

test(
  'ctld --once: SIGINT (Ctrl-C) during a hung squeue wrapper exits at once and kills its group',
  { timeout: 60_000 },
  async (t) => {
    const { dir, bin, pids } = wrappers(t, 'wait');
    // The commands run detached: a terminal's Ctrl-C reaches ctld only, which must kill them.
    const r = await ctldOnce(t, dir, bin, 20_000, pids);
    t.diagnostic(`exit ${r.code} ${r.ms} ms after SIGINT`);
    assert.equal(r.code, 130, r.stderr);
    assert.ok(r.ms < 3000, `exited ${r.ms} ms after SIGINT (Slurm timeout 20 s)`);
    await assertNoLeftovers(pids);
  },
);
