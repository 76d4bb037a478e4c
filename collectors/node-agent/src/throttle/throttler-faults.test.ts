import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import type { Throttler } from './throttler.js';
import { CAP, copyFixture, FLOOR, held, makeThrottler, maxFreqs, type FixtureCopy } from './test-helpers.js';

const F = FLOOR;
const C = CAP;
const GRACE = 60_000;

describe('Throttler on bad input', () => {
  let fx: FixtureCopy;
  const cpuDir = (n: number): string => join(fx.root, `sys/devices/system/cpu/cpu${n}`);
  const policy = (n: number): string => join(fx.root, `sys/devices/system/cpu/cpufreq/policy${n}`);
  beforeEach(() => {
    fx = copyFixture();
  });
  afterEach(() => fx.cleanup());

  test('a floor above the maximum: every core left alone, logged once per core', () => {
    const { t, clock, log } = makeThrottler(fx, { floorKHz: 4_000_000 });
    t.update(held([]));
    clock.advance(GRACE);
    t.update(held([]));
    clock.advance(GRACE);
    t.update(held([]));
    assert.deepEqual(maxFreqs(fx.root), [C, C, C, C, C, C, C, C]);
    const refused = log.records.filter((r) => r.level === 'error' && r.msg === 'core not throttled');
    assert.equal(refused.length, 8, 'once per core, not once per cycle');
    assert.match(JSON.stringify(refused[0]?.fields), /floor 4000000 kHz is above/);
  });

  test('a core without cpufreq is never written; its sibling still follows the SMT rule', () => {
    unlinkSync(join(cpuDir(5), 'cpufreq'));
    const { t, clock, log } = makeThrottler(fx);
    t.update(held([1]));
    clock.advance(GRACE);
    t.update(held([1]));
    assert.deepEqual(t.throttledCpus(), [0, 2, 3, 4, 6, 7]);
    assert.ok(log.records.some((r) => r.level === 'warn' && /without cpufreq/.test(r.msg)));
    t.update(held([]));
    clock.advance(GRACE);
    t.update(held([]));
    assert.deepEqual(t.throttledCpus(), [0, 1, 2, 3, 4, 6, 7]);
  });

  test('an attribute that cannot be read (a directory in its place): error with the path, core unchanged', () => {
    const p = join(policy(6), 'scaling_max_freq');
    rmSync(p);
    mkdirSync(p);
    const { t, clock, log } = makeThrottler(fx);
    t.update(held([]));
    clock.advance(GRACE);
    t.update(held([]));
    assert.deepEqual(t.throttledCpus(), [0, 1, 2, 3, 4, 5, 7]);
    const err = log.records.filter((r) => r.level === 'error');
    assert.equal(err.length, 1);
    assert.match(JSON.stringify(err[0]?.fields), /cpu6\/cpufreq\/scaling_max_freq: cannot read \(EISDIR/);
    assert.equal(JSON.parse(readFileSync(fx.stateFile, 'utf8')).cores['6'], undefined);
    clock.advance(GRACE);
    t.update(held([]));
    assert.equal(log.records.filter((r) => r.level === 'error').length, 1, 'not retried every cycle');
  });

  // Bounded reads: 64 KiB of padding after a valid value would parse if read whole; a sysfs file
  // never holds that much, so it is refused with its path and counted like any unreadable file.
  const PADDING = ' '.repeat(70_000);
  const errorsTotal = (t: Throttler): number | undefined =>
    t.metrics().find((f) => f.name === 'slurmscope_throttle_errors_total')?.samples[0]?.value;

  test('an oversized cpufreq attribute: error naming the path, counted, core unchanged', () => {
    writeFileSync(join(policy(6), 'scaling_max_freq'), `${C}${PADDING}\n`);
    const { t, clock, log } = makeThrottler(fx);
    t.update(held([]));
    clock.advance(GRACE);
    t.update(held([]));
    assert.deepEqual(t.throttledCpus(), [0, 1, 2, 3, 4, 5, 7]);
    const err = log.records.filter((r) => r.level === 'error');
    assert.equal(err.length, 1);
    assert.match(
      JSON.stringify(err[0]?.fields),
      /cpu6\/cpufreq\/scaling_max_freq: cannot read \(larger than 65536 bytes\)/,
    );
    assert.equal(errorsTotal(t), 1);
  });

  test('an oversized online file: a topology error naming the path, counted; that CPU never written', () => {
    writeFileSync(join(cpuDir(3), 'online'), `1${PADDING}\n`);
    const { t, clock, log } = makeThrottler(fx);
    t.update(held([]));
    clock.advance(GRACE);
    t.update(held([]));
    assert.ok(!t.throttledCpus().includes(3), 'cpu3 not written');
    const err = log.records.filter((r) => r.level === 'error');
    assert.equal(err.length, 1);
    assert.match(JSON.stringify(err[0]?.fields), /cpu3\/online: cannot read \(larger than 65536 bytes\)/);
    assert.equal(errorsTotal(t), 1);
  });

  test('a write refused by the kernel (immutable file) after a partial write is undone', (ctx) => {
    writeFileSync(join(policy(2), 'scaling_min_freq'), '2000000\n');
    const p = join(policy(2), 'scaling_max_freq');
    // Root ignores file modes, so a real refusal is needed: the immutable attribute (ext4, xfs, btrfs).
    if (spawnSync('chattr', ['+i', p]).status !== 0) return ctx.skip('chattr +i not supported here');
    try {
      const { t, clock, log } = makeThrottler(fx);
      t.update(held([]));
      clock.advance(GRACE);
      t.update(held([]));
      assert.equal(readFileSync(join(policy(2), 'scaling_min_freq'), 'utf8'), '2000000', 'lowered minimum put back');
      assert.equal(readFileSync(p, 'utf8').trim(), String(C));
      assert.deepEqual(t.throttledCpus(), [0, 1, 3, 4, 5, 6, 7]);
      const err = log.records.find((r) => r.msg === 'cannot throttle core');
      assert.match(JSON.stringify(err?.fields), /cpu2\/cpufreq\/scaling_max_freq: cannot write \(EPERM/);
      assert.equal(JSON.parse(readFileSync(fx.stateFile, 'utf8')).cores['2'], undefined);
    } finally {
      spawnSync('chattr', ['-i', p]);
    }
  });

  test('a core that vanishes while throttled: logged, others restored, no crash', () => {
    const { t, clock, log } = makeThrottler(fx);
    t.update(held([]));
    clock.advance(GRACE);
    t.update(held([]));
    writeFileSync(join(cpuDir(3), 'online'), '0\n');
    unlinkSync(join(cpuDir(3), 'cpufreq'));
    const { restored, failed } = t.restoreAll();
    assert.deepEqual(failed, [3]);
    assert.equal(restored.length, 7);
    assert.ok(
      log.records.some(
        (r) => r.msg === 'cannot restore core' && /cpu3\/cpufreq\/scaling_max_freq/.test(JSON.stringify(r.fields)),
      ),
    );
    assert.deepEqual(
      Object.keys(JSON.parse(readFileSync(fx.stateFile, 'utf8')).cores),
      ['3'],
      'kept for the next start',
    );
  });

  test('a core that vanishes before throttling is dropped from the topology', () => {
    const { t, clock, log } = makeThrottler(fx);
    t.update(held([]));
    rmSync(join(policy(7), 'cpuinfo_max_freq'));
    clock.advance(GRACE);
    t.update(held([]));
    assert.deepEqual(t.throttledCpus(), [0, 1, 2, 3, 4, 5, 6]);
    assert.ok(
      log.records.some((r) => /cpu7\/cpufreq\/cpuinfo_max_freq: cannot read \(ENOENT/.test(JSON.stringify(r.fields))),
    );
    assert.doesNotThrow(() => t.update(held([])));
  });

  test('the state cannot be written: nothing is written to /sys', () => {
    mkdirSync(dirname(dirname(fx.stateFile)), { recursive: true });
    writeFileSync(dirname(fx.stateFile), 'a file where the state directory should be');
    const { t, clock, log } = makeThrottler(fx);
    t.update(held([]));
    clock.advance(GRACE);
    t.update(held([]));
    assert.deepEqual(maxFreqs(fx.root), [C, C, C, C, C, C, C, C]);
    assert.ok(log.records.some((r) => /cannot write the throttle state/.test(r.msg)));
  });

  test('a corrupt state file is moved aside and reported', () => {
    mkdirSync(dirname(fx.stateFile), { recursive: true });
    writeFileSync(fx.stateFile, '{"version":1,"cores":');
    const { t, log } = makeThrottler(fx);
    t.recoverFromState();
    assert.ok(log.records.some((r) => r.level === 'error' && /throttle state unusable/.test(r.msg)));
    assert.ok(readdirSync(dirname(fx.stateFile)).some((n) => n.includes('.corrupt-')));
    assert.deepEqual(maxFreqs(fx.root).includes(F), false);
  });
});
