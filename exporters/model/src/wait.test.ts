import { test } from 'node:test';
import assert from 'node:assert/strict';
import { waitUntil } from './wait.js';

test('waitUntil: resolves with the first value that is neither undefined nor false (0 counts)', async () => {
  let calls = 0;
  const v = await waitUntil('the third call', () => (++calls >= 3 ? 0 : calls === 1 ? undefined : false), {
    intervalMs: 1,
  });
  assert.equal(v, 0);
  assert.equal(calls, 3);
});

test('waitUntil: an async fn is awaited', async () => {
  let calls = 0;
  const v = await waitUntil('an async answer', async () => (++calls === 2 ? 'ready' : undefined), { intervalMs: 1 });
  assert.equal(v, 'ready');
});

test('waitUntil: rejects at the deadline, naming what it waited for and the timeout', async () => {
  const started = Date.now();
  await assert.rejects(
    waitUntil('a condition that never holds', () => false, { timeoutMs: 60, intervalMs: 5 }),
    { message: 'timed out after 60 ms waiting for a condition that never holds' },
  );
  assert.ok(Date.now() - started >= 60, 'not before the deadline');
});
