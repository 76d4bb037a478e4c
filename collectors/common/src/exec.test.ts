import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandError, runCommand } from './exec.js';
import { isNotFound } from './errors.js';
import { processRunning } from './process.js';

// Wrapper scripts as sites write them (a `sudo` or module-load wrapper): the work, or a hang,
// happens in a child of the command, which inherits its stdout. Each records its child's pid.
const dir = mkdtempSync(join(tmpdir(), 'slurmscope-exec-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
let n = 0;
function script(body: string): { file: string; pidFile: string } {
  const file = join(dir, `cmd-${n++}.sh`);
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, 0o755);
  return { file, pidFile: `${file}.pid` };
}

/** The pid a script wrote, once it is there. */
async function pidOf(pidFile: string): Promise<number> {
  for (let i = 0; i < 200; i++) {
    try {
      const pid = Number(readFileSync(pidFile, 'utf8').trim());
      if (pid > 0) return pid;
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`${pidFile}: no pid written`);
}

/** Waits up to 3 s for `pid` to be gone; kills it in any case so that a failing test leaves nothing. */
async function assertGone(pid: number, what: string): Promise<void> {
  const end = Date.now() + 3000;
  while (processRunning(pid) && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
  const survived = processRunning(pid);
  if (survived) process.kill(pid, 'SIGKILL');
  assert.equal(survived, false, `${what} (pid ${pid}) survived`);
}

test('runCommand: stdout, and a non-zero exit names the command and stderr', { timeout: 10_000 }, async () => {
  const ok = script('echo "out $1"');
  assert.equal((await runCommand(ok.file, ['x'], { timeoutMs: 5000 })).stdout, 'out x\n');
  const bad = script('echo "squeue: error: no controller" >&2; exit 1');
  await assert.rejects(
    runCommand(bad.file, ['-h'], { timeoutMs: 5000 }),
    (e: unknown) =>
      e instanceof CommandError &&
      e.kind === 'exit' &&
      e.message === `${bad.file} -h: exit 1: squeue: error: no controller`,
  );
  await assert.rejects(
    runCommand(join(dir, 'absent'), [], { timeoutMs: 5000 }),
    (e: unknown) => e instanceof CommandError && e.kind === 'spawn' && /ENOENT/.test(e.message),
  );
});

test(
  'runCommand: a finished command whose child still holds stdout returns at once; the child is killed',
  { timeout: 10_000 },
  async () => {
    const s = script('sleep 1000 &\necho $! > "$1"\necho done');
    const t0 = Date.now();
    const r = await runCommand(s.file, [s.pidFile], { timeoutMs: 8000 });
    assert.equal(r.stdout, 'done\n');
    assert.ok(Date.now() - t0 < 3000, `took ${Date.now() - t0} ms (the timeout is 8 s)`);
    await assertGone(await pidOf(s.pidFile), "the wrapper's leftover child");
  },
);

test(
  'runCommand: a command hanging in its child times out and its whole process group is killed',
  { timeout: 10_000 },
  async () => {
    const s = script('sleep 1000 &\necho $! > "$1"\nwait');
    const t0 = Date.now();
    await assert.rejects(
      runCommand(s.file, [s.pidFile], { timeoutMs: 300 }),
      (e: unknown) => e instanceof CommandError && e.kind === 'timeout' && e.message.startsWith(`${s.file} `),
    );
    assert.ok(Date.now() - t0 < 3000, `took ${Date.now() - t0} ms (the timeout is 300 ms)`);
    await assertGone(await pidOf(s.pidFile), 'the hung child');
  },
);

test('runCommand: output beyond maxBytes kills the whole group', { timeout: 10_000 }, async () => {
  // The child writes its own pid before it starts talking: with `yes & echo $!` the output could
  // pass maxBytes, and the group die, before the shell wrote the pid (seen once in a full run).
  const s = script('sh -c \'echo $$ > "$1"; exec yes\' sh "$1" &\nwait');
  await assert.rejects(
    runCommand(s.file, [s.pidFile], { timeoutMs: 8000, maxBytes: 10_000 }),
    (e: unknown) => e instanceof CommandError && e.kind === 'too-large',
  );
  await assertGone(await pidOf(s.pidFile), 'the chatty child');
});

test('runCommand: an abort kills the whole group at once', { timeout: 10_000 }, async () => {
  const s = script('sleep 1000 &\necho $! > "$1"\nwait');
  const ctl = new AbortController();
  const run = runCommand(s.file, [s.pidFile], { timeoutMs: 8000, signal: ctl.signal });
  const pid = await pidOf(s.pidFile);
  ctl.abort();
  await assert.rejects(run, (e: unknown) => e instanceof CommandError && e.kind === 'aborted');
  await assertGone(pid, 'the child of an aborted command');
  await assert.rejects(
    runCommand(s.file, [`${s.pidFile}2`], { timeoutMs: 8000, signal: ctl.signal }),
    (e: unknown) => e instanceof CommandError && e.kind === 'aborted',
  );
});

test(
  'runCommand: a child that left the group (setsid) and holds stdout cannot stall it past the timeout',
  { timeout: 10_000 },
  async () => {
    // The pid is written once the child is in its own session (out of the group); then the script ends.
    const s = script(
      `setsid sh -c 'echo $$ > "$1"; exec sleep 1000' sh "$1" &\nwhile [ ! -s "$1" ]; do sleep 0.01; done\necho done`,
    );
    const t0 = Date.now();
    try {
      await assert.rejects(
        runCommand(s.file, [s.pidFile], { timeoutMs: 500 }),
        (e: unknown) => e instanceof CommandError && e.kind === 'timeout' && /output stayed open/.test(e.message),
      );
      assert.ok(Date.now() - t0 < 3000, `took ${Date.now() - t0} ms (the timeout is 500 ms)`);
    } finally {
      // Out of the command's group, so out of runCommand's reach: this test cleans it up itself.
      process.kill(await pidOf(s.pidFile), 'SIGKILL');
    }
  },
);
