import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CommandError } from '@slurmscope/common';
import { RecordingLogger } from '@slurmscope/model';
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
