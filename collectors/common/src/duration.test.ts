import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatDuration, parseDuration } from './duration.js';

test('parseDuration: units', () => {
  const cases: Array<[string, number]> = [
    ['500ms', 500],
    ['10s', 10_000],
    ['5m', 300_000],
    ['1.5h', 5_400_000],
    ['7d', 604_800_000],
    [' 2s ', 2000],
  ];
  for (const [text, ms] of cases) assert.equal(parseDuration(text), ms, text);
});

test('parseDuration: malformed input names the text', () => {
  for (const bad of ['', '10', 's', '10 s', '-1s', '10x', '1e3s', 'ten seconds']) {
    assert.throws(
      () => parseDuration(bad),
      (err: Error) => err.message.includes(`"${bad}"`),
      bad,
    );
  }
});

test('formatDuration: shortest exact unit', () => {
  assert.equal(formatDuration(90_000), '90s');
  assert.equal(formatDuration(300_000), '5m');
  assert.equal(formatDuration(250), '250ms');
  assert.equal(formatDuration(86_400_000), '1d');
});
