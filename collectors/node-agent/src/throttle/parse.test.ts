import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ParseError } from '@slurmscope/common';
import { parseCpuDirName, parseGovernor, parseGovernorList, parseKHz, parseOnline, parseSiblingList } from './parse.js';
import { planThrottle } from './plan.js';
import type { CoreFreq } from './cpufreq.js';

describe('cpufreq parsers', () => {
  test('parseKHz', () => {
    const ok: Array<[string, string, number]> = [
      ['with newline', '3000000\n', 3000000],
      ['spaces', ' 800000 ', 800000],
    ];
    for (const [name, text, want] of ok) assert.equal(parseKHz(text, 'f'), want, name);
    const bad: Array<[string, string]> = [
      ['empty', ''],
      ['unsupported', '<unsupported>\n'],
      ['negative', '-1'],
      ['zero', '0'],
      ['float', '3.5e6'],
      ['two values', '800000 900000'],
    ];
    for (const [name, text] of bad)
      assert.throws(
        () => parseKHz(text, '/x/scaling_max_freq'),
        (e: unknown) => e instanceof ParseError && /scaling_max_freq/.test(e.message),
        name,
      );
  });

  test('governors', () => {
    assert.equal(parseGovernor('performance\n', 'g'), 'performance');
    assert.deepEqual(parseGovernorList('performance powersave \n', 'g'), ['performance', 'powersave']);
    assert.deepEqual(
      parseGovernorList('conservative ondemand userspace powersave performance schedutil\n', 'g').length,
      6,
    );
    for (const bad of ['', '\n', 'Perf ormance', '<unsupported>'])
      assert.throws(() => parseGovernor(bad, 'g'), ParseError, JSON.stringify(bad));
    for (const bad of ['', '  \n', 'performance Power!'])
      assert.throws(() => parseGovernorList(bad, 'g'), ParseError, JSON.stringify(bad));
  });

  test('parseOnline', () => {
    assert.equal(parseOnline('1\n', 'o'), true);
    assert.equal(parseOnline('0\n', 'o'), false);
    for (const bad of ['', '2', 'yes']) assert.throws(() => parseOnline(bad, 'o'), ParseError, bad);
  });

  test('parseSiblingList', () => {
    const ok: Array<[string, string, number[]]> = [
      ['Intel pair', '0,4\n', [0, 4]],
      ['range (AMD, adjacent threads)', '0-1\n', [0, 1]],
      ['single thread (SMT off)', '3\n', [3]],
      ['mixed, unsorted', '6-7,2-3\n', [2, 3, 6, 7]],
      ['duplicates', '1,1\n', [1]],
    ];
    for (const [name, text, want] of ok) assert.deepEqual(parseSiblingList(text, 's'), want, name);
    const bad: Array<[string, string]> = [
      ['empty', '\n'],
      ['reversed range', '4-0'],
      ['hex mask (thread_siblings, not _list)', 'ff'],
      ['trailing comma', '0,'],
    ];
    for (const [name, text] of bad) assert.throws(() => parseSiblingList(text, 's'), ParseError, name);
  });

  test('parseCpuDirName', () => {
    const cases: Array<[string, number | undefined]> = [
      ['cpu0', 0],
      ['cpu127', 127],
      ['cpufreq', undefined],
      ['cpuidle', undefined],
      ['online', undefined],
      ['cpu', undefined],
    ];
    for (const [name, want] of cases) assert.equal(parseCpuDirName(name), want, name);
  });
});

describe('planThrottle', () => {
  const core: CoreFreq = {
    cpu: 0,
    hwMinKHz: 800000,
    hwMaxKHz: 3500000,
    maxKHz: 3000000,
    minKHz: 800000,
    governor: 'performance',
    governors: ['performance', 'powersave'],
  };
  const cases: Array<[string, Partial<CoreFreq>, 'max_freq' | 'governor', number | undefined, unknown]> = [
    [
      'default floor is cpuinfo_min_freq; cap remembered',
      {},
      'max_freq',
      undefined,
      { ok: true, original: { maxKHz: 3000000 }, writes: [['scaling_max_freq', '800000']] },
    ],
    [
      'configured floor',
      {},
      'max_freq',
      1200000,
      { ok: true, original: { maxKHz: 3000000 }, writes: [['scaling_max_freq', '1200000']] },
    ],
    [
      'min above floor is lowered first',
      { minKHz: 2000000 },
      'max_freq',
      undefined,
      {
        ok: true,
        original: { minKHz: 2000000, maxKHz: 3000000 },
        writes: [
          ['scaling_min_freq', '800000'],
          ['scaling_max_freq', '800000'],
        ],
      },
    ],
    [
      'already at the floor: nothing to write',
      { maxKHz: 800000 },
      'max_freq',
      undefined,
      { ok: true, original: {}, writes: [] },
    ],
    [
      'governor',
      {},
      'governor',
      undefined,
      { ok: true, original: { governor: 'performance' }, writes: [['scaling_governor', 'powersave']] },
    ],
    [
      'governor already powersave',
      { governor: 'powersave' },
      'governor',
      undefined,
      { ok: true, original: {}, writes: [] },
    ],
  ];
  for (const [name, over, method, floor, want] of cases) {
    test(name, () => assert.deepEqual(planThrottle({ ...core, ...over }, method, floor), want));
  }
  test('floor above the core maximum is refused', () => {
    const plan = planThrottle(core, 'max_freq', 4000000);
    assert.equal(plan.ok, false);
    assert.match(plan.ok ? '' : plan.reason, /4000000 kHz is above .* 3500000/);
  });
  test('no powersave governor is refused', () => {
    const plan = planThrottle({ ...core, governors: ['performance', 'schedutil'] }, 'governor');
    assert.equal(plan.ok, false);
  });
});
