import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CommandError } from '@slurmscope/common';
import { PollWorker } from './worker-client.js';

test('PollWorker.run: runs a command in the worker thread; failures come back as CommandError of the same kind', async (t) => {
  const w = new PollWorker(10_000);
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
