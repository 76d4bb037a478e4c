import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CpufreqError,
  hasCpufreq,
  isVanished,
  listCpus,
  readCoreFreq,
  readOnline,
  readSiblings,
  writeCpufreq,
} from './cpufreq.js';
import { readTopology } from './topology.js';
import { attr, copyFixture, FIXTURE_ROOT } from './test-helpers.js';

describe('cpufreq on the fixture tree', () => {
  test('lists CPUs, topology and policy', () => {
    assert.deepEqual(listCpus(FIXTURE_ROOT), [0, 1, 2, 3, 4, 5, 6, 7]);
    assert.equal(readOnline(FIXTURE_ROOT, 0), true, 'cpu0 has no online file: always online');
    assert.deepEqual(readSiblings(FIXTURE_ROOT, 5), [1, 5]);
    assert.deepEqual(readCoreFreq(FIXTURE_ROOT, 3), {
      cpu: 3,
      hwMinKHz: 800000,
      hwMaxKHz: 3500000,
      maxKHz: 3000000,
      minKHz: 800000,
      governor: 'performance',
      governors: ['performance', 'powersave'],
    });
  });

  test('core topology groups hyper-thread siblings; node mode is one group', () => {
    const core = readTopology(FIXTURE_ROOT, 'core');
    assert.deepEqual(core.problems, []);
    assert.deepEqual(
      core.topology.groups.map((g) => g.key),
      ['0,4', '1,5', '2,6', '3,7'],
    );
    assert.deepEqual(
      readTopology(FIXTURE_ROOT, 'node').topology.groups.map((g) => g.members),
      [[0, 1, 2, 3, 4, 5, 6, 7]],
    );
  });

  test('writes go through the cpufreq link; a missing attribute is an error, never a new file', () => {
    const fx = copyFixture();
    try {
      writeCpufreq(fx.root, 2, 'scaling_max_freq', 800000);
      assert.equal(attr(fx.root, 2, 'scaling_max_freq'), '800000');
      unlinkSync(join(fx.root, 'sys/devices/system/cpu/cpufreq/policy2/scaling_min_freq'));
      assert.throws(
        () => writeCpufreq(fx.root, 2, 'scaling_min_freq', 800000),
        (e: unknown) =>
          e instanceof CpufreqError && e.code === 'ENOENT' && /policy2|cpu2/.test(e.message) && isVanished(e),
      );
      assert.throws(() => readCoreFreq(fx.root, 2), /cpu2\/cpufreq\/scaling_min_freq: cannot read/);
    } finally {
      fx.cleanup();
    }
  });

  test('an attribute that cannot be written (a directory in its place) names the path', () => {
    const fx = copyFixture();
    try {
      const p = join(fx.root, 'sys/devices/system/cpu/cpufreq/policy1/scaling_max_freq');
      rmSync(p);
      mkdirSync(p);
      assert.throws(
        () => writeCpufreq(fx.root, 1, 'scaling_max_freq', 800000),
        (e: unknown) =>
          e instanceof CpufreqError && e.code === 'EISDIR' && e.message.includes('cpu1/cpufreq/scaling_max_freq'),
      );
    } finally {
      fx.cleanup();
    }
  });

  test('offline CPU, CPU without cpufreq, malformed siblings', () => {
    const fx = copyFixture();
    try {
      const cpu = (n: number): string => join(fx.root, `sys/devices/system/cpu/cpu${n}`);
      writeFileSync(join(cpu(7), 'online'), '0\n');
      unlinkSync(join(cpu(6), 'cpufreq'));
      writeFileSync(join(cpu(1), 'topology/thread_siblings_list'), 'garbage\n');
      assert.equal(hasCpufreq(fx.root, 6), false);
      const { topology, problems } = readTopology(fx.root, 'core');
      assert.deepEqual(topology.writable, [0, 1, 2, 3, 4, 5]);
      assert.deepEqual(topology.withoutCpufreq, [6]);
      assert.equal(problems.length, 1);
      assert.match(problems[0] ?? '', /cpu1\/topology\/thread_siblings_list.*garbage.*own/);
      assert.deepEqual(
        topology.groups.map((g) => g.key),
        ['0,4', '1,5', '2,6', '3'],
      );
    } finally {
      fx.cleanup();
    }
  });
});
