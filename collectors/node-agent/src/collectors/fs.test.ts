import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_MAX_BYTES, FileTooLargeError, readOptional, readText } from './fs.js';

const dir = mkdtempSync(join(tmpdir(), 'fs-bound-'));
const file = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe('bounded reads', () => {
  test('a small file is read whole', () => assert.equal(readText(file('small', '4096\n')), '4096\n'));
  test('an empty file is empty', () => assert.equal(readText(file('empty', '')), ''));
  test('a file of exactly the bound is read; one byte more is refused, naming the path', () => {
    assert.equal(readText(file('exact', 'x'.repeat(100)), 100).length, 100);
    const path = file('over', 'x'.repeat(101));
    assert.throws(
      () => readText(path, 100),
      (err: unknown) => err instanceof FileTooLargeError && err.path === path && err.message.includes(path),
    );
  });
  test('the default bound is 64 KiB', () => {
    assert.equal(DEFAULT_MAX_BYTES, 65536);
    assert.equal(readText(file('at-default', 'y'.repeat(65536))).length, 65536);
    assert.throws(() => readText(file('past-default', 'y'.repeat(65537))), FileTooLargeError);
  });
  test('a file longer than one read, multi-byte characters across the chunk edges, comes back intact', () => {
    const text = 'µ'.repeat(30_000); // 60,000 bytes
    assert.equal(readText(file('long', text), 1 << 20), text);
  });
  test('an endless character device is refused at the bound, not read to exhaustion', () =>
    assert.throws(() => readText('/dev/zero', 1000), /\/dev\/zero: larger than 1000 bytes/));
  test('readOptional: absent is undefined; too large is still an error', () => {
    assert.equal(readOptional(join(dir, 'nope')), undefined);
    assert.throws(() => readOptional(file('big', 'z'.repeat(11)), 10), FileTooLargeError);
  });
});
