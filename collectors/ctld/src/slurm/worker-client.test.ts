import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandError, isNotFound, processGroupMembers, processRunning } from '@slurmscope/common';
import { RecordingLogger, waitUntil } from '@slurmscope/model';
import { slurmCommands } from './commands.js';
import { slurmFixture } from './parse/fixtures.js';
import type { RawPoll } from './snapshot.js';
import { DEFAULT_WORKER_HEAP_MB, PollWorker } from './worker-client.js';

test('PollWorker.run: runs a command in the worker thread; failures come back as CommandError of the same kind', async (t) => {
  const w = new PollWorker({ timeoutMs: 10_000 });
  t.after(() => w.close());
  const ok = await w.run('/bin/sh', ['-c', 'echo out; echo err >&2'], { timeoutMs: 5000 });
  assert.deepEqual([ok.stdout, ok.code], ['out\n', 0]);

  const cases: ReadonlyArray<{ name: string; args: string[]; kind: CommandError['kind'] }> = [
    { name: 'non-zero exit', args: ['-c', 'echo boom >&2; exit 3'], kind: 'exit' },
    { name: 'timeout', args: ['-c', 'exec sleep 5'], kind: 'timeout' },
  ];
  for (const c of cases) {
    await assert.rejects(
      w.run('/bin/sh', c.args, { timeoutMs: 300 }),
      (e: unknown) => e instanceof CommandError && e.kind === c.kind && e.command.includes('sh'),
      c.name,
    );
  }
  await assert.rejects(
    w.run('/nonexistent/squeue', [], { timeoutMs: 1000 }),
    (e: unknown) => e instanceof CommandError && e.kind === 'spawn',
  );
});

test('PollWorker: a worker that runs out of heap fails the call, and the next worker gets twice the limit', async (t) => {
  const log = new RecordingLogger();
  const w = new PollWorker({ timeoutMs: 60_000, heapMb: 16, log });
  t.after(() => w.close());
  assert.equal(new PollWorker({ timeoutMs: 1 }).heapLimitMb, DEFAULT_WORKER_HEAP_MB);
  // 150,000 running jobs: far more than 16 MiB of parsed objects.
  const lines = slurmFixture('22.05/squeue-running.txt').trimEnd().split('\n');
  const raw: RawPoll = {
    timestampMs: 0,
    nodesJson: slurmFixture('22.05/sinfo.json'),
    jobs: `${Array.from({ length: 25_000 }, () => lines.join('\n')).join('\n')}\n`,
    jobsFormat: 'squeue-text',
    partitions: slurmFixture('22.05/scontrol-partition.txt'),
    config: slurmFixture('22.05/scontrol-config.txt'),
  };
  await assert.rejects(w.parse(raw), /ran out of its 16 MiB heap \(the next one gets 32 MiB\)/);
  assert.equal(w.heapLimitMb, 32);
  assert.deepEqual(
    log.records.filter((r) => r.level === 'warn').map((r) => r.fields),
    [{ heapMb: 16, nextHeapMb: 32 }],
  );
  // The next call starts a new worker (with the larger limit) that answers.
  const ok = await w.run('/bin/sh', ['-c', 'echo again'], { timeoutMs: 5000 });
  assert.equal(ok.stdout, 'again\n');
});

/** A binDir whose squeue starts `sleep 600` holding its stdout, records "<its pgid> <sleep pid>" and waits. */
function hangingSlurm(dir: string): { binDir: string; pids: string } {
  const pids = join(dir, 'pids');
  for (const name of ['sinfo', 'scontrol', 'sdiag'])
    writeFileSync(join(dir, name), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
  writeFileSync(
    join(dir, 'squeue'),
    `#!/bin/sh\nsleep 600 &\necho "$$ $!" > '${pids}.tmp'\nmv '${pids}.tmp' '${pids}'\nwait\n`,
    {
      mode: 0o755,
    },
  );
  return { binDir: dir, pids };
}

test('PollWorker.close mid-poll kills the process group of the command in flight (a child holding stdout included)', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'worker-client-'));
  const { binDir, pids } = hangingSlurm(dir);
  let recorded: [number, number] | undefined;
  t.after(() => {
    for (const pid of recorded === undefined ? [] : [...processGroupMembers(recorded[0]), recorded[1]])
      if (processRunning(pid)) process.kill(pid, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });
  const w = new PollWorker({ timeoutMs: 60_000 });
  const c = slurmCommands('22.05');
  const plan = { timestampMs: 0, commands: { nodes: c.nodes, jobs: c.jobs, partitions: c.partitions, sdiag: c.sdiag } };
  const polling = w.poll({ binDir, timeoutMs: 60_000 }, plan);
  polling.catch(() => undefined); // it fails when the worker stops; asserted below
  const [pgid, sleep] = (recorded = await waitUntil('the squeue wrapper to start', () => {
    try {
      return readFileSync(pids, 'utf8').trim().split(' ').map(Number) as [number, number];
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }));
  assert.ok(processRunning(sleep) && processGroupMembers(pgid).includes(sleep), "sleep runs in the wrapper's group");
  await waitUntil('the worker to report the group', () => w.groupsInFlight > 0);
  await w.close();
  await assert.rejects(polling, /poll worker exited/);
  await waitUntil(
    'no process of the group left',
    () => processGroupMembers(pgid).length === 0 && !processRunning(sleep),
    {
      timeoutMs: 3000,
    },
  );
  assert.equal(w.groupsInFlight, 0);
});

test('PollWorker.run: an AbortSignal reaches the command in the worker and kills its group', async (t) => {
  const w = new PollWorker({ timeoutMs: 60_000 });
  t.after(() => w.close());
  const ctl = new AbortController();
  const t0 = Date.now();
  const running = w.run('/bin/sh', ['-c', 'sleep 600 & wait'], { timeoutMs: 60_000, signal: ctl.signal });
  await waitUntil('the command to start', () => w.groupsInFlight > 0);
  ctl.abort();
  await assert.rejects(running, (e: unknown) => e instanceof CommandError && e.kind === 'aborted');
  assert.ok(Date.now() - t0 < 10_000, 'aborted, not timed out');
  await waitUntil('the group to be over', () => w.groupsInFlight === 0, { timeoutMs: 3000 });
});
