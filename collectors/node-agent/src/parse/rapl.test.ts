import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { advanceCounter, compareZoneNames, raplKind, type CounterState } from './rapl.js';

describe('raplKind', () => {
  const cases: [string, string][] = [
    ['package-0', 'package'],
    ['package-12', 'package'],
    ['package-0-die-1', 'package'],
    ['package-1-die-0', 'package'],
    ['package-0-die', 'other'],
    ['dram', 'dram'],
    ['core', 'core'],
    ['uncore', 'uncore'],
    ['psys', 'psys'],
    ['package', 'other'],
    ['gpu', 'other'],
  ];
  for (const [name, kind] of cases) test(name, () => assert.equal(raplKind(name), kind));
});

describe('compareZoneNames', () => {
  test('numbers in order, packages before their subzones', () => {
    const names = ['intel-rapl:10', 'intel-rapl:1:0', 'intel-rapl:2', 'intel-rapl:1', 'intel-rapl:0:1', 'intel-rapl:0'];
    assert.deepEqual(names.sort(compareZoneNames), [
      'intel-rapl:0',
      'intel-rapl:0:1',
      'intel-rapl:1',
      'intel-rapl:1:0',
      'intel-rapl:2',
      'intel-rapl:10',
    ]);
  });
  test('ids are hexadecimal (the kernel names zones "%s:%x"): a..f after 9, 10 (= 16) after f', () => {
    const names = ['intel-rapl:10', 'intel-rapl:a:0', 'intel-rapl:f', 'intel-rapl:9', 'intel-rapl:a', 'intel-rapl:b'];
    assert.deepEqual(names.sort(compareZoneNames), [
      'intel-rapl:9',
      'intel-rapl:a',
      'intel-rapl:a:0',
      'intel-rapl:b',
      'intel-rapl:f',
      'intel-rapl:10',
    ]);
  });
  test('equal names compare 0; other prefixes by text', () => {
    assert.equal(compareZoneNames('intel-rapl:3:1', 'intel-rapl:3:1'), 0);
    assert.ok(compareZoneNames('intel-rapl:0', 'intel-rapl-mmio:0') < 0);
  });
});

describe('advanceCounter', () => {
  const MAX = 262143328850;
  const cases: [string, CounterState | undefined, number, CounterState, number, boolean][] = [
    ['first reading starts at the raw value', undefined, 1000, { raw: 1000, total: 1000 }, 0, false],
    ['plain increase', { raw: 1000, total: 5000 }, 1500, { raw: 1500, total: 5500 }, 500, false],
    ['no change', { raw: 1500, total: 5500 }, 1500, { raw: 1500, total: 5500 }, 0, false],
    [
      'wrap-around adds range − old + new',
      { raw: MAX - 100, total: 10 * MAX },
      50,
      { raw: 50, total: 10 * MAX + 150 },
      150,
      true,
    ],
    ['wrap landing exactly on 0', { raw: MAX - 1, total: 7 }, 0, { raw: 0, total: 8 }, 1, true],
  ];
  for (const [name, prev, raw, state, delta, wrapped] of cases) {
    test(name, () => assert.deepEqual(advanceCounter(prev, raw, MAX), { state, delta, wrapped }));
  }
  test('state survives a JSON round trip (agent restart) and keeps counting', () => {
    let s = advanceCounter(undefined, MAX - 10, MAX).state;
    s = JSON.parse(JSON.stringify(s)) as CounterState;
    const step = advanceCounter(s, 5, MAX);
    assert.equal(step.state.total, MAX - 10 + 15);
  });
  test('total never decreases over a long run with wraps', () => {
    let s: CounterState | undefined;
    let raw = 0;
    let last = -1;
    for (let i = 0; i < 1000; i++) {
      raw = (raw + 7919 * 1e6) % MAX;
      s = advanceCounter(s, raw, MAX).state;
      assert.ok(s.total > last);
      last = s.total;
    }
  });
});
