import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eachSliced, runPaced, runSteps, type Steps } from './slices.js';

/** Sums 1..n, yielding after each number, and logs each step into `log`. */
function* sum(n: number, log: string[]): Steps<number> {
  let s = 0;
  for (let i = 1; i <= n; i++) {
    s += i;
    log.push(`step ${i}`);
    yield;
  }
  return s;
}

test('runSteps: runs to the end without pausing and returns the value', () => {
  const log: string[] = [];
  assert.equal(runSteps(sum(4, log)), 10);
  assert.equal(log.length, 4);
});

const PACE_CASES: ReadonlyArray<{ name: string; budgetMs: number; stepMs: number; n: number; pauses: number }> = [
  { name: 'a pause after each budget of work', budgetMs: 5, stepMs: 2, n: 10, pauses: 3 },
  { name: 'no pause when all fits in the budget', budgetMs: 100, stepMs: 1, n: 10, pauses: 0 },
  { name: 'a pause after every step that overruns', budgetMs: 1, stepMs: 3, n: 4, pauses: 4 },
];

for (const c of PACE_CASES) {
  test(`runPaced: ${c.name}`, async () => {
    let clock = 0;
    const log: string[] = [];
    // Each step takes stepMs of fake time.
    const steps = (function* (): Steps<number> {
      const inner = sum(c.n, log);
      for (;;) {
        const r = inner.next();
        if (r.done === true) return r.value;
        clock += c.stepMs;
        yield;
      }
    })();
    const value = await runPaced(steps, {
      budgetMs: c.budgetMs,
      now: () => clock,
      pause: () => (log.push('pause'), Promise.resolve()),
    });
    assert.equal(value, (c.n * (c.n + 1)) / 2);
    assert.equal(log.filter((l) => l === 'pause').length, c.pauses, log.join(', '));
  });
}

test('runPaced: the default pause lets a pending timer run before the work ends', async () => {
  let timerRan = false;
  setTimeout(() => (timerRan = true), 0);
  const seen: boolean[] = [];
  await runPaced(
    (function* (): Steps<void> {
      const end = performance.now() + 30;
      while (performance.now() < end) yield; // 30 ms of work in tiny steps
      seen.push(timerRan);
    })(),
    { budgetMs: 2 },
  );
  assert.deepEqual(seen, [true]);
});

test('eachSliced: visits every item in order, yielding every N', () => {
  const got: number[] = [];
  const g = eachSliced([1, 2, 3, 4, 5], (x) => got.push(x), 2);
  let yields = 0;
  while (g.next().done !== true) yields++;
  assert.deepEqual(got, [1, 2, 3, 4, 5]);
  assert.equal(yields, 2);
});
