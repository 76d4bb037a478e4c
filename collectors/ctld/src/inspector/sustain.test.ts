import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sustainStep, type SustainInput, type SustainTrack } from './sustain.js';

const MIN = 60_000;

interface RunOpts {
  graceMs: number;
  sustainMs: number;
  startMin?: number;
  /** Minutes apart of the cycles (1 by default); ctld's interval is 1 min, the cap 3 min. */
  every?: number;
}

/** Runs cycles `every` minutes apart; returns at which minutes it fired and the final track. */
function run(cycles: (boolean | undefined)[], o: RunOpts) {
  let track: SustainTrack | undefined;
  const fired: number[] = [];
  cycles.forEach((holds, i) => {
    const minute = (o.startMin ?? 0) + i * (o.every ?? 1);
    const input: SustainInput = {
      nowMs: minute * MIN,
      track,
      elapsedMs: minute * MIN,
      holds,
      maxStepMs: 3 * MIN,
      graceMs: o.graceMs,
      sustainMs: o.sustainMs,
    };
    const s = sustainStep(input);
    track = s.track;
    if (s.fire) fired.push(minute);
  });
  return { fired, track };
}

test('sustainStep: named cases', () => {
  const T = true;
  const F = false;
  const U = undefined;
  const nine = Array<undefined>(9).fill(U);
  const cases: [string, (boolean | undefined)[], RunOpts, number[]][] = [
    ['fires once held for the sustain', [T, T, T, T], { graceMs: 0, sustainMs: 2 * MIN }, [2, 3]],
    ['sustain 0: at the first cycle it holds', [F, T], { graceMs: 0, sustainMs: 0 }, [1]],
    ['a false cycle resets the sustain', [T, T, F, T, T, T], { graceMs: 0, sustainMs: 2 * MIN }, [5]],
    ['a cycle without data neither resets nor fires', [T, U, U, T], { graceMs: 0, sustainMs: 2 * MIN }, [3]],
    ['no data only: nothing', [U, U, U, U], { graceMs: 0, sustainMs: 0 }, []],
    ['nothing is looked at during the grace', [T, T, T, T, T], { graceMs: 3 * MIN, sustainMs: MIN }, [4]],
    ['held during the grace does not count', [T, T, T, F, T], { graceMs: 2 * MIN, sustainMs: MIN }, []],
    // Held at 0, no data 1..9, held at 10: the step 0..10 counts 3 min (the cap), not 10.
    ['gap longer than sustain does not count', [T, ...nine, T], { graceMs: 0, sustainMs: 5 * MIN }, []],
    [
      'after a gap the sustain goes on from what was held',
      [T, ...nine, T, T, T],
      { graceMs: 0, sustainMs: 5 * MIN },
      [12],
    ],
    ['cycles an hour apart count 3 min each', [T, T, T], { graceMs: 0, sustainMs: 7 * MIN, every: 60 }, []],
  ];
  for (const [name, cycles, o, want] of cases) assert.deepEqual(run(cycles, o).fired, want, name);
  assert.deepEqual(
    run([true, true], { graceMs: 0, sustainMs: 10 * MIN, startMin: 5 }).track,
    { heldMs: MIN, lastMeasuredMs: 6 * MIN },
    'held from the first measured cycle',
  );
  assert.deepEqual(
    run([true, undefined], { graceMs: 0, sustainMs: 10 * MIN }).track,
    { heldMs: 0, lastMeasuredMs: 0 },
    'an unmeasured cycle changes nothing',
  );
});
