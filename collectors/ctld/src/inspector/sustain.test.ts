import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sustainStep, type SustainInput } from './sustain.js';

const MIN = 60_000;

/** Runs cycles one minute apart; returns at which minutes it fired and the final `since`. */
function run(cycles: (boolean | undefined)[], o: { graceMs: number; sustainMs: number; startMin?: number }) {
  let since: number | undefined;
  const fired: number[] = [];
  cycles.forEach((holds, i) => {
    const minute = (o.startMin ?? 0) + i;
    const input: SustainInput = { nowMs: minute * MIN, since, elapsedMs: minute * MIN, holds, ...o };
    const s = sustainStep(input);
    since = s.since;
    if (s.fire) fired.push(minute);
  });
  return { fired, since };
}

test('sustainStep: named cases', () => {
  const T = true;
  const F = false;
  const U = undefined;
  const cases: [string, (boolean | undefined)[], { graceMs: number; sustainMs: number }, number[]][] = [
    ['fires once held for the sustain', [T, T, T, T], { graceMs: 0, sustainMs: 2 * MIN }, [2, 3]],
    ['sustain 0: at the first cycle it holds', [F, T], { graceMs: 0, sustainMs: 0 }, [1]],
    ['a false cycle resets the sustain', [T, T, F, T, T, T], { graceMs: 0, sustainMs: 2 * MIN }, [5]],
    ['a cycle without data neither resets nor fires', [T, U, U, T], { graceMs: 0, sustainMs: 2 * MIN }, [3]],
    ['no data only: nothing', [U, U, U, U], { graceMs: 0, sustainMs: 0 }, []],
    ['nothing is looked at during the grace', [T, T, T, T, T], { graceMs: 3 * MIN, sustainMs: MIN }, [4]],
    ['held during the grace does not count', [T, T, T, F, T], { graceMs: 2 * MIN, sustainMs: MIN }, []],
  ];
  for (const [name, cycles, o, want] of cases) assert.deepEqual(run(cycles, o).fired, want, name);
  assert.equal(
    run([true, true], { graceMs: 0, sustainMs: 10 * MIN, startMin: 5 }).since,
    5 * MIN,
    'starts when first held',
  );
});
