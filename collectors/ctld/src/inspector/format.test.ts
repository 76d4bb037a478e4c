import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gib, pct } from './format.js';

test('pct and gib: named cases', () => {
  const cases: [string, string, string][] = [
    ['idle', pct(0.03), '3 %'],
    ['half up', pct(0.125), '13 %'],
    ['full', pct(1), '100 %'],
    ['zero', pct(0), '0 %'],
    ['61.2 GiB', gib(61.2 * 2 ** 30), '61.2'],
    ['a limit of 64 GiB', gib(64 * 2 ** 30), '64.0'],
  ];
  for (const [name, got, want] of cases) assert.equal(got, want, name);
});
