import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ParseError } from '@slurmscope/common';
import { RecordingLogger } from '@slurmscope/model';
import { calibrate, calibrationPath, loadCalibration, parseCalibration, saveCalibration } from './calibrate.js';
import { restoreFromStateFile } from './fallback.js';
import { CAP, copyFixture, FLOOR, held, makeThrottler, maxFreqs, type FixtureCopy } from './test-helpers.js';

const C = CAP;
const F = FLOOR;

describe('calibrate', () => {
  let fx: FixtureCopy;
  beforeEach(() => {
    fx = copyFixture();
  });
  afterEach(() => fx.cleanup());

  test('measures at full clock, then at the floor, restores; per-core difference', async () => {
    const seen: number[][] = [];
    // A fake RAPL reader: power follows the fixture's clocks (idle W per throttled core: 0.5).
    const measureWatts = async (ms: number): Promise<number> => {
      assert.equal(ms, 3000);
      const freqs = maxFreqs(fx.root);
      seen.push(freqs);
      return 40 - 0.5 * freqs.filter((f) => f === F).length;
    };
    const c = await calibrate({
      root: fx.root,
      node: 'n1',
      method: 'max_freq',
      stateFile: fx.stateFile,
      log: new RecordingLogger(),
      measureWatts,
      durationMs: 3000,
      sleep: async () => {},
    });
    assert.deepEqual(seen, [Array(8).fill(C), Array(8).fill(F)]);
    assert.deepEqual([c.fullWatts, c.floorWatts, c.cores, c.wattsPerCoreSaved], [40, 36, 8, 0.5]);
    assert.deepEqual(maxFreqs(fx.root), Array(8).fill(C), 'restored');
    const file = calibrationPath(fx.dir);
    saveCalibration(file, c);
    assert.deepEqual(loadCalibration(file), c);
    assert.equal(loadCalibration(join(fx.dir, 'none.json')), undefined);
  });

  test('restores even when the power reader fails, and refuses a busy node', async () => {
    const base = {
      root: fx.root,
      node: 'n1',
      method: 'max_freq' as const,
      stateFile: fx.stateFile,
      log: new RecordingLogger(),
      durationMs: 10,
      sleep: async () => {},
    };
    let calls = 0;
    const failing = async (): Promise<number> => {
      if (++calls === 2) throw new Error('RAPL gone');
      return 10;
    };
    await assert.rejects(calibrate({ ...base, measureWatts: failing }), /RAPL gone/);
    assert.deepEqual(maxFreqs(fx.root), Array(8).fill(C));
    await assert.rejects(calibrate({ ...base, measureWatts: async () => 1, jobIds: ['5'] }), /not idle/);
  });

  test('parseCalibration rejects malformed files', () => {
    for (const bad of ['', '{}', '{"version":2}', '[1]'])
      assert.throws(() => parseCalibration(bad, 'c.json'), ParseError, bad);
  });
});

describe('restoreFromStateFile (the prolog fallback)', () => {
  let fx: FixtureCopy;
  beforeEach(() => {
    fx = copyFixture();
  });
  afterEach(() => fx.cleanup());

  test("restores the job's CPUs and their siblings, or all, to the originals; leaves the state file", () => {
    const { t, clock } = makeThrottler(fx);
    t.update(held([]));
    clock.advance(60_000);
    t.update(held([]));
    const log = new RecordingLogger();
    const one = restoreFromStateFile({ root: fx.root, stateFile: fx.stateFile, cpus: [1], log });
    assert.deepEqual(one, { restored: [1, 5], failed: [] });
    assert.deepEqual(maxFreqs(fx.root), [F, C, F, F, F, C, F, F]);
    const all = restoreFromStateFile({ root: fx.root, stateFile: fx.stateFile, log });
    assert.equal(all.restored.length, 8);
    assert.deepEqual(maxFreqs(fx.root), Array(8).fill(C));
    assert.equal(t.restoreAll().failed.length, 0, 'the agent can still restore from the same state');
  });

  test('no state file: nothing to do; corrupt: logged, nothing written', () => {
    const log = new RecordingLogger();
    assert.deepEqual(restoreFromStateFile({ root: fx.root, stateFile: fx.stateFile, log }), {
      restored: [],
      failed: [],
    });
    writeFileSync(join(fx.dir, 'bad.json'), 'nope');
    restoreFromStateFile({ root: fx.root, stateFile: join(fx.dir, 'bad.json'), log });
    assert.ok(log.records.some((r) => r.level === 'error' && /unreadable/.test(r.msg)));
  });
});
