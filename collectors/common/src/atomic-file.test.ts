import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic-file.js';

const dir = mkdtempSync(join(tmpdir(), 'slurmscope-atomic-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

test('writeFileAtomic creates a file with its mode and leaves no temp file', () => {
  const sub = join(dir, 'create');
  mkdirSync(sub);
  const file = join(sub, 'state.json');
  writeFileAtomic(file, '{"a":1}', 0o600);
  assert.equal(readFileSync(file, 'utf8'), '{"a":1}');
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.deepEqual(readdirSync(sub), ['state.json']);
});

test('writeFileAtomic replaces an existing file, strings and Buffers alike', () => {
  const sub = join(dir, 'replace');
  mkdirSync(sub);
  const file = join(sub, 'q.json');
  writeFileSync(file, 'old contents that are longer than the new ones');
  writeFileAtomic(file, Buffer.from('new'), 0o644);
  assert.equal(readFileSync(file, 'utf8'), 'new');
  writeFileAtomic(file, 'x'.repeat(1 << 20), 0o644);
  assert.equal(readFileSync(file, 'utf8').length, 1 << 20);
  assert.deepEqual(readdirSync(sub), ['q.json']);
});

test('writeFileAtomic removes its temp file and rethrows when the rename fails', () => {
  const sub = join(dir, 'fail');
  mkdirSync(sub);
  // The target is a non-empty directory: the temp file is written, the rename over it fails.
  const target = join(sub, 'target');
  mkdirSync(target);
  writeFileSync(join(target, 'keep'), 'x');
  assert.throws(
    () => writeFileAtomic(target, 'data', 0o600),
    (err: NodeJS.ErrnoException) => ['EISDIR', 'ENOTEMPTY', 'EEXIST'].includes(err.code ?? ''),
  );
  assert.deepEqual(readdirSync(sub), ['target']);
});

test('writeFileAtomic throws when the directory does not exist', () => {
  assert.throws(() => writeFileAtomic(join(dir, 'missing', 'f.json'), 'x', 0o600), { code: 'ENOENT' });
});
