import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { RecordingLogger } from '@slurmscope/model';
import { runEvery } from './schedule.js';

test('runEvery runs at once, then on the interval, and stops on abort after the running cycle', async () => {
  const ctl = new AbortController();
  const starts: number[] = [];
  const t0 = Date.now();
  await runEvery(
    40,
    ctl.signal,
    async () => {
      starts.push(Date.now() - t0);
      if (starts.length === 4) ctl.abort();
    },
    new RecordingLogger(),
  );
  assert.equal(starts.length, 4);
  assert.ok(starts[0]! < 20, `first call at once, was ${starts[0]} ms`);
  // Aligned to the first call: the k-th call is near k × 40 ms, never before it.
  starts.forEach((s, k) => assert.ok(s >= k * 40 - 2, `call ${k} at ${s} ms`));
});

test('runEvery logs a failing cycle with its name and goes on', async () => {
  const ctl = new AbortController();
  const log = new RecordingLogger();
  let calls = 0;
  await runEvery(
    5,
    ctl.signal,
    async () => {
      calls++;
      if (calls === 1) throw new Error('boom');
      ctl.abort();
    },
    log,
    'sampling cycle',
  );
  assert.equal(calls, 2);
  const errors = log.records.filter((r) => r.level === 'error');
  assert.equal(errors.length, 1);
  assert.equal(errors[0]!.msg, 'sampling cycle failed');
  assert.equal((errors[0]!.fields as { err?: string }).err, 'boom');
});

test('runEvery never overlaps a slow cycle and skips the ticks it missed', async () => {
  const ctl = new AbortController();
  let running = 0;
  let maxRunning = 0;
  const starts: number[] = [];
  await runEvery(
    10,
    ctl.signal,
    async () => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      starts.push(Date.now());
      await new Promise((r) => setTimeout(r, starts.length === 1 ? 60 : 0));
      running--;
      if (starts.length === 3) ctl.abort();
    },
    new RecordingLogger(),
  );
  assert.equal(maxRunning, 1);
  // After the 60 ms overrun the second call starts at once, and the third a whole interval after
  // it: the ticks missed during the overrun are not run back to back.
  assert.ok(starts[2]! - starts[1]! >= 8, `second and third calls ${starts[2]! - starts[1]!} ms apart`);
});
