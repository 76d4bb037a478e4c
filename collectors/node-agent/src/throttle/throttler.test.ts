import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import type { MetricFamily } from '@slurmscope/model';
import { attr, CAP, copyFixture, FLOOR, held, makeThrottler, maxFreqs, type FixtureCopy } from './test-helpers.js';

const F = FLOOR;
const C = CAP;
const GRACE = 60_000;

function value(families: MetricFamily[], name: string): number | undefined {
  return families.find((f) => f.name === name)?.samples[0]?.value;
}

describe('Throttler', () => {
  let fx: FixtureCopy;
  beforeEach(() => {
    fx = copyFixture();
  });
  afterEach(() => fx.cleanup());

  test('core mode: throttles free physical cores after the grace, never a held one or its sibling', () => {
    const { t, clock } = makeThrottler(fx);
    t.update(held([1]));
    clock.advance(GRACE - 1);
    t.update(held([1]));
    assert.deepEqual(maxFreqs(fx.root), [C, C, C, C, C, C, C, C], 'nothing before the grace');
    clock.advance(1);
    t.update(held([1]));
    assert.deepEqual(maxFreqs(fx.root), [F, C, F, F, F, C, F, F]);
    assert.deepEqual(t.throttledCpus(), [0, 2, 3, 4, 6, 7]);
    clock.advance(10_000);
    const m = t.metrics();
    assert.equal(value(m, 'slurmscope_node_throttled_cores'), 6);
    assert.equal(value(m, 'slurmscope_throttle_seconds_total'), 60, '6 cores x 10 s');
    assert.equal(value(m, 'slurmscope_throttle_errors_total'), 0);
    assert.equal(value(m, 'slurmscope_throttle_energy_saved_joules_total'), undefined, 'absent without a calibration');
  });

  test('SMT: a core is throttled only when none of its threads is held', () => {
    const { t, clock } = makeThrottler(fx);
    t.update(held([4, 7]));
    clock.advance(GRACE);
    t.update(held([4, 7]));
    assert.deepEqual(maxFreqs(fx.root), [C, F, F, C, C, F, F, C]);
  });

  test('a job arriving on a throttled core is restored in that update, to the site cap', () => {
    const { t, clock } = makeThrottler(fx);
    t.update(held([]));
    clock.advance(GRACE);
    t.update(held([]));
    assert.deepEqual(maxFreqs(fx.root), [F, F, F, F, F, F, F, F]);
    clock.advance(1000);
    t.update(held([2]));
    assert.deepEqual(maxFreqs(fx.root), [F, F, C, F, F, F, C, F]);
  });

  test('node mode: all or nothing, any job keeps the whole node at full clock', () => {
    const { t, clock } = makeThrottler(fx, { mode: 'node' });
    t.update(held([3]));
    clock.advance(GRACE * 2);
    t.update(held([3]));
    assert.deepEqual(maxFreqs(fx.root), [C, C, C, C, C, C, C, C]);
    t.update(held([]));
    clock.advance(GRACE - 1);
    t.update(held([]));
    assert.deepEqual(t.throttledCpus(), [], 'grace starts when the job left');
    clock.advance(1);
    t.update(held([]));
    assert.deepEqual(maxFreqs(fx.root), [F, F, F, F, F, F, F, F]);
    t.update(held([6]));
    assert.deepEqual(maxFreqs(fx.root), [C, C, C, C, C, C, C, C]);
    clock.advance(GRACE);
    t.update({ heldCpus: new Set(), jobIds: ['9'] });
    assert.deepEqual(t.throttledCpus(), [], 'a job without a known cpuset still counts in node mode');
  });

  test('allHeld (a job with unknown CPUs) keeps every core', () => {
    const { t, clock } = makeThrottler(fx);
    t.update({ ...held([1]), allHeld: true });
    clock.advance(GRACE);
    t.update({ ...held([1]), allHeld: true });
    assert.deepEqual(t.throttledCpus(), []);
  });

  test('prolog restores now and protects the gap until the cgroup came and went', () => {
    const { t, clock } = makeThrottler(fx);
    t.update(held([]));
    clock.advance(GRACE);
    t.update(held([]));
    assert.equal(t.throttledCpus().length, 8);
    assert.deepEqual(t.prolog({ jobid: '42', cpus: [2] }), [2, 6]);
    assert.deepEqual(maxFreqs(fx.root), [F, F, C, F, F, F, C, F], 'restored before any cycle');
    clock.advance(GRACE * 2);
    t.update(held([]));
    assert.deepEqual(maxFreqs(fx.root), [F, F, C, F, F, F, C, F], 'gap before the cgroup is not idleness');
    t.update(held([2], ['42']));
    clock.advance(GRACE * 2);
    t.update(held([], []));
    assert.equal(attr(fx.root, 2, 'scaling_max_freq'), String(C), 'grace starts when the cgroup is gone');
    clock.advance(GRACE);
    t.update(held([], []));
    assert.equal(t.throttledCpus().length, 8);
  });

  test('prolog with unknown CPUs restores and protects the whole node; the timeout ends it', () => {
    const { t, clock } = makeThrottler(fx, { prologTimeoutMs: 300_000 });
    t.update(held([]));
    clock.advance(GRACE);
    t.update(held([]));
    assert.equal(t.prolog({ jobid: '7' }).length, 8);
    assert.deepEqual(maxFreqs(fx.root), [C, C, C, C, C, C, C, C]);
    clock.advance(300_000 - 1);
    t.update(held([]));
    assert.deepEqual(t.throttledCpus(), []);
    clock.advance(1);
    t.update(held([]));
    clock.advance(GRACE);
    t.update(held([]));
    assert.equal(t.throttledCpus().length, 8, 'the job never came: throttled after timeout + grace');
  });

  test('a whole-node prolog protection narrows to the job cpuset once its cgroup shows it', () => {
    const { t, clock } = makeThrottler(fx, { prologTimeoutMs: 300_000 });
    t.update(held([]));
    clock.advance(GRACE);
    t.update(held([]));
    t.prolog({ jobid: '7' });
    clock.advance(GRACE);
    t.update(held([]));
    assert.deepEqual(t.throttledCpus(), [], 'the gap before the cgroup is protected');
    const withCgroup = { heldCpus: new Set([1]), jobIds: ['7'], jobCpus: new Map([['7', [1]]]) };
    t.update(withCgroup);
    clock.advance(GRACE);
    t.update(withCgroup);
    assert.deepEqual(maxFreqs(fx.root), [F, C, F, F, F, C, F, F], 'only the job core and its sibling stay up');
  });

  test('epilog starts the grace at the job end, not at the next cycle', () => {
    for (const withEpilog of [true, false]) {
      const local = copyFixture();
      try {
        const { t, clock } = makeThrottler(local);
        t.update(held([2], ['42']));
        clock.advance(5000);
        if (withEpilog) t.epilog({ jobid: '42' });
        clock.advance(5000);
        t.update(held([], []));
        clock.advance(GRACE - 5000);
        t.update(held([], []));
        assert.equal(t.throttledCpus().includes(2), withEpilog, `epilog=${withEpilog}`);
      } finally {
        local.cleanup();
      }
    }
  });

  test('restoreAll puts back the site cap (not the hardware max) and empties the state', () => {
    const { t, clock } = makeThrottler(fx);
    t.update(held([0]));
    clock.advance(GRACE);
    t.update(held([0]));
    const state = JSON.parse(readFileSync(fx.stateFile, 'utf8'));
    assert.deepEqual(state.cores['1'], { maxKHz: C }, 'originals persisted');
    assert.equal(t.restoreAll().failed.length, 0);
    assert.deepEqual(maxFreqs(fx.root), [C, C, C, C, C, C, C, C]);
    assert.deepEqual(JSON.parse(readFileSync(fx.stateFile, 'utf8')).cores, {});
  });

  test('after a crash, the next start restores from the state file and keeps the totals', () => {
    const first = makeThrottler(fx);
    first.t.update(held([]));
    first.clock.advance(GRACE);
    first.t.update(held([]));
    first.clock.advance(10_000);
    first.t.update(held([3])); // persists the totals (80 core-seconds) with the restore of 3 and 7
    // SIGKILL: no restoreAll. A new process starts:
    const second = makeThrottler(fx);
    const { restored, failed } = second.t.recoverFromState();
    assert.deepEqual([restored.sort(), failed], [[0, 1, 2, 4, 5, 6], []]);
    assert.deepEqual(maxFreqs(fx.root), [C, C, C, C, C, C, C, C]);
    assert.equal(value(second.t.metrics(), 'slurmscope_throttle_seconds_total'), 80);
  });

  test('the first update recovers by itself: a crash state is never overwritten', () => {
    const first = makeThrottler(fx);
    first.t.update(held([]));
    first.clock.advance(GRACE);
    first.t.update(held([]));
    const second = makeThrottler(fx);
    second.t.update(held([]));
    assert.deepEqual(maxFreqs(fx.root), [C, C, C, C, C, C, C, C]);
    second.clock.advance(GRACE);
    second.t.update(held([]));
    second.t.restoreAll();
    assert.deepEqual(maxFreqs(fx.root), [C, C, C, C, C, C, C, C], 'cap, not the floor, is the original');
  });

  test('governor method switches to powersave and back', () => {
    const { t, clock } = makeThrottler(fx, { method: 'governor' });
    t.update(held([1, 2, 3]));
    clock.advance(GRACE);
    t.update(held([1, 2, 3]));
    assert.deepEqual(
      [0, 1, 4].map((c) => attr(fx.root, c, 'scaling_governor')),
      ['powersave', 'performance', 'powersave'],
    );
    assert.deepEqual(maxFreqs(fx.root), [C, C, C, C, C, C, C, C], 'max_freq untouched');
    t.restoreAll();
    assert.equal(attr(fx.root, 0, 'scaling_governor'), 'performance');
  });

  test('energy saved from the calibration: core-seconds x W per core', () => {
    const { t, clock } = makeThrottler(fx, { wattsPerCoreSaved: 1.5 });
    t.update(held([]));
    clock.advance(GRACE);
    t.update(held([]));
    clock.advance(4000);
    assert.equal(value(t.metrics(), 'slurmscope_throttle_energy_saved_joules_total'), 8 * 4 * 1.5);
  });

  test('mode off never writes', () => {
    const { t, clock } = makeThrottler(fx, { mode: 'off' });
    t.update(held([]));
    clock.advance(GRACE * 10);
    t.update(held([]));
    assert.deepEqual(maxFreqs(fx.root), [C, C, C, C, C, C, C, C]);
    assert.equal(existsSync(fx.stateFile), false);
  });
});
