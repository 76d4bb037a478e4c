import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { advanceCounter, compareZoneNames, raplKind, type CounterState, type CounterStep } from './rapl.js';

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
  // A package zone with the default ceiling (1 kW), sampled every 10 s.
  const LIMITS = { maxRange: MAX, maxRate: 1e9 };
  const S = 10;
  const step = (prev: CounterState | undefined, raw: number): CounterStep => advanceCounter(prev, raw, LIMITS, S);
  const cases: [string, CounterState | undefined, number, number | undefined, CounterStep][] = [
    [
      'first reading starts at the raw value',
      undefined,
      1000,
      S,
      { state: { raw: 1000, total: 1000 }, delta: 0, wrapped: false, reset: false },
    ],
    [
      'plain increase',
      { raw: 1000, total: 5000 },
      1500,
      S,
      { state: { raw: 1500, total: 5500 }, delta: 500, wrapped: false, reset: false },
    ],
    [
      'no change',
      { raw: 1500, total: 5500 },
      1500,
      S,
      { state: { raw: 1500, total: 5500 }, delta: 0, wrapped: false, reset: false },
    ],
    [
      'wrap-around adds range − old + new',
      { raw: MAX - 100, total: 10 * MAX },
      50,
      S,
      { state: { raw: 50, total: 10 * MAX + 150 }, delta: 150, wrapped: true, reset: false },
    ],
    [
      'wrap landing exactly on 0',
      { raw: MAX - 1, total: 7 },
      0,
      S,
      { state: { raw: 0, total: 8 }, delta: 1, wrapped: true, reset: false },
    ],
    [
      'a genuine wrap at 300 W over 10 s (3 kJ, 1 kJ of it after the wrap) is counted',
      { raw: MAX - 2e9, total: 5e11 },
      1e9,
      S,
      { state: { raw: 1e9, total: 5e11 + 3e9 }, delta: 3e9, wrapped: true, reset: false },
    ],
    [
      'a 500 µJ step back is a reset, not a 262 kJ wrap: nothing added',
      { raw: 117295442321, total: 117295442321 },
      117295441821,
      S,
      { state: { raw: 117295441821, total: 117295442321 }, delta: 0, wrapped: false, reset: true },
    ],
    [
      'a step back with no interval to judge by is a reset',
      { raw: MAX - 100, total: 1e6 },
      50,
      undefined,
      { state: { raw: 50, total: 1e6 }, delta: 0, wrapped: false, reset: true },
    ],
    [
      'the same step back after 5 min (over the 262 s in which 1 kW wraps at most once) is a reset',
      { raw: 117295442321, total: 117295442321 },
      117295441821,
      300,
      { state: { raw: 117295441821, total: 117295442321 }, delta: 0, wrapped: false, reset: true },
    ],
    [
      'a genuine wrap over 200 s at 1 kW (inside the 262 s window) is counted',
      { raw: MAX - 1e11, total: 1e12 },
      1e11,
      200,
      { state: { raw: 1e11, total: 1e12 + 2e11 }, delta: 2e11, wrapped: true, reset: false },
    ],
  ];
  for (const [name, prev, raw, seconds, expected] of cases) {
    test(name, () => assert.deepEqual(advanceCounter(prev, raw, LIMITS, seconds), expected));
  }
  test("the ceiling is the zone's: a wrap implying 400 W is a reset under a 330 W ceiling", () => {
    const r = advanceCounter({ raw: MAX - 3e9, total: 0 }, 1e9, { maxRange: MAX, maxRate: 330e6 }, S);
    assert.equal(r.reset, true);
    assert.equal(r.delta, 0);
  });
  test('agent down 10 min (state restored): a 500 µJ step back on a 250 W package (500 W ceiling) is a reset', () => {
    // 262 kJ in 600 s is 437 W, under the 500 W ceiling: the power test alone took it as a wrap.
    // But 600 s is past the 524 s in which the counter wraps at most once at 500 W: undecidable.
    const prev = { raw: 117295442321, total: 117295442321 };
    const r = advanceCounter(prev, 117295441821, { maxRange: MAX, maxRate: 500e6 }, 600);
    assert.deepEqual(r, { state: { raw: 117295441821, total: 117295442321 }, delta: 0, wrapped: false, reset: true });
  });
  test('state survives a JSON round trip (agent restart) and keeps counting', () => {
    let s = step(undefined, MAX - 10).state;
    s = JSON.parse(JSON.stringify(s)) as CounterState;
    assert.equal(step(s, 5).state.total, MAX - 10 + 15);
  });
  test('total never decreases over a long run with wraps', () => {
    let s: CounterState | undefined;
    let raw = 0;
    let last = -1;
    for (let i = 0; i < 1000; i++) {
      raw = (raw + 7919 * 1e6) % MAX; // 7.9 kJ per 10 s: 792 W, under the 1 kW ceiling
      s = step(s, raw).state;
      assert.ok(s.total > last);
      last = s.total;
    }
  });
});
