import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PollResult } from '../slurm/snapshot.js';
import { freshness, freshnessFamilies, type CycleView } from './view.js';

const T = 1_800_000_000_000;
const result = { snapshot: { timestampMs: T } } as unknown as PollResult;
const view = (poll: CycleView['poll']): Pick<CycleView, 'poll'> => ({ poll });

const CASES: ReadonlyArray<{
  name: string;
  view: Pick<CycleView, 'poll'> | undefined;
  nowMs: number;
  want: object | undefined;
}> = [
  { name: 'before the first cycle', view: undefined, nowMs: T, want: undefined },
  {
    name: 'first poll failed: nothing to serve',
    view: view({ stale: true, error: 'boom' }),
    nowMs: T,
    want: undefined,
  },
  {
    name: 'fresh',
    view: view({ result, stale: false }),
    nowMs: T + 1500,
    want: { snapshotMs: T, snapshotAgeSeconds: 1.5, stale: false },
  },
  {
    name: 'last poll failed: old snapshot, stale, with the error',
    view: view({ result, stale: true, error: 'squeue: timed out' }),
    nowMs: T + 12_000,
    want: { snapshotMs: T, snapshotAgeSeconds: 12, stale: true, error: 'squeue: timed out' },
  },
  {
    name: 'no poll finished for 3 intervals (hung Slurm)',
    view: view({ result, stale: false }),
    nowMs: T + 30_001,
    want: { snapshotMs: T, snapshotAgeSeconds: 30.001, stale: true },
  },
  {
    name: 'exactly 3 intervals is still fresh',
    view: view({ result, stale: false }),
    nowMs: T + 30_000,
    want: { snapshotMs: T, snapshotAgeSeconds: 30, stale: false },
  },
  {
    name: 'clock went back: age 0',
    view: view({ result, stale: false }),
    nowMs: T - 5000,
    want: { snapshotMs: T, snapshotAgeSeconds: 0, stale: false },
  },
];

for (const c of CASES) {
  test(`freshness: ${c.name}`, () => {
    assert.deepEqual(freshness(c.view, c.nowMs, 10_000), c.want);
  });
}

test("freshnessFamilies: the stale gauge and the age are those of freshness() (the API's), in every case", () => {
  for (const c of CASES) {
    const fresh = freshness(c.view, c.nowMs, 10_000);
    const [age, stale] = freshnessFamilies(fresh);
    assert.equal(stale?.name, 'slurmscope_slurm_snapshot_stale');
    assert.deepEqual(stale?.samples, [{ labels: {}, value: fresh === undefined || fresh.stale ? 1 : 0 }], c.name);
    assert.equal(age?.name, 'slurmscope_slurm_snapshot_age_seconds');
    assert.deepEqual(
      age?.samples,
      fresh === undefined ? [] : [{ labels: {}, value: fresh.snapshotAgeSeconds }],
      c.name,
    );
  }
});
