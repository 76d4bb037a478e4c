import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RecordingLogger } from '@slurmscope/model';
import { Spool, type DropReason } from './spool.js';

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'slurmscope-spool-'));
}

function makeSpool(dir: string, maxBytes = 1 << 20, memoryMaxPoints = 1000) {
  const drops: Array<[number, DropReason]> = [];
  const log = new RecordingLogger();
  const spool = new Spool({ dir, maxBytes, memoryMaxPoints, log, onDrop: (n, r) => drops.push([n, r]) });
  return { spool, drops, log };
}

const lines = (prefix: string, n: number): string[] =>
  Array.from({ length: n }, (_, i) => `m,t=${prefix} f=${i} ${1000 + i}`);

test('Spool: FIFO across chunks; peek groups head chunks up to a point count', async () => {
  const dir = await tempDir();
  const { spool } = makeSpool(dir);
  await spool.open();
  await spool.append(lines('a', 2));
  await spool.append(lines('b', 2));
  await spool.append(lines('c', 3));
  assert.equal(spool.points, 7);
  const first = await spool.peek(4);
  assert.deepEqual(first.lines, [...lines('a', 2), ...lines('b', 2)]);
  await spool.remove(first.ids);
  const second = await spool.peek(1);
  assert.deepEqual(second.lines, lines('c', 3), 'at least one chunk even when larger than asked');
  spool.release(second.ids);
  assert.equal(spool.points, 3);
  assert.equal((await readdir(dir)).length, 1);
  await rm(dir, { recursive: true });
});

test('Spool: survives a restart; a partial chunk from a crash is removed', async () => {
  const dir = await tempDir();
  const a = makeSpool(dir);
  await a.spool.open();
  await a.spool.append(lines('a', 2));
  await a.spool.append(lines('b', 1));
  await writeFile(join(dir, '000000000002-5.lp.tmp'), 'm f=1 1\nm f=');
  const b = makeSpool(dir);
  await b.spool.open();
  assert.equal(b.spool.points, 3);
  assert.deepEqual((await b.spool.peek(10)).lines, [...lines('a', 2), ...lines('b', 1)]);
  await b.spool.append(lines('c', 1));
  assert.deepEqual((await readdir(dir)).sort(), ['000000000000-2.lp', '000000000001-1.lp', '000000000002-1.lp']);
  assert.ok(b.log.records.some((r) => r.msg === 'removed a partial spool chunk left by a crash'));
  await rm(dir, { recursive: true });
});

test('Spool: bounded on disk, the oldest chunk is dropped and counted', async () => {
  const dir = await tempDir();
  const chunkBytes = Buffer.byteLength(lines('a', 10).join('\n') + '\n');
  const { spool, drops } = makeSpool(dir, chunkBytes * 3);
  await spool.open();
  for (const p of ['a', 'b', 'c', 'd', 'e']) await spool.append(lines(p, 10));
  assert.deepEqual(drops, [
    [10, 'spool_full'],
    [10, 'spool_full'],
  ]);
  assert.equal(spool.points, 30);
  assert.ok(spool.bytes <= chunkBytes * 3);
  assert.deepEqual((await spool.peek(10)).lines, lines('c', 10));
  await rm(dir, { recursive: true });
});

test('Spool: a chunk being replayed is not the one the bound drops', async () => {
  const dir = await tempDir();
  const chunkBytes = Buffer.byteLength(lines('a', 10).join('\n') + '\n');
  const { spool, drops } = makeSpool(dir, chunkBytes * 2);
  await spool.open();
  await spool.append(lines('a', 10));
  await spool.append(lines('b', 10));
  const inFlight = await spool.peek(10);
  await spool.append(lines('c', 10));
  assert.deepEqual(drops, [[10, 'spool_full']]);
  await spool.remove(inFlight.ids);
  assert.deepEqual((await spool.peek(10)).lines, lines('c', 10), 'b was dropped, a was written');
  await rm(dir, { recursive: true });
});

test('Spool: a disk that refuses writes keeps points in bounded memory, logged once', async () => {
  const dir = await tempDir();
  const spoolDir = join(dir, 'spool');
  const { spool, drops, log } = makeSpool(spoolDir, 1 << 20, 25);
  await spool.open();
  await spool.append(lines('a', 10));
  // Replace the directory by a file: every later write fails (ENOTDIR), as a full or read-only disk would.
  await rm(spoolDir, { recursive: true });
  await writeFile(spoolDir, '');
  for (const p of ['b', 'c', 'd']) await spool.append(lines(p, 10));
  assert.deepEqual(drops, [[10, 'memory_full']], 'b dropped: memory holds at most 25');
  assert.equal(log.records.filter((r) => r.msg.startsWith('cannot write spool chunk')).length, 1);
  const head = await spool.peek(100);
  assert.deepEqual(drops.at(-1), [10, 'unreadable'], 'the on-disk chunk vanished with its directory');
  assert.deepEqual(head.lines, [...lines('c', 10), ...lines('d', 10)]);
  await rm(dir, { recursive: true });
});

test('Spool: an unusable directory at start leaves a working memory spool, logged once', async () => {
  const dir = await tempDir();
  const blocker = join(dir, 'file');
  await writeFile(blocker, '');
  const { spool, log } = makeSpool(join(blocker, 'spool'), 1 << 20, 100);
  await spool.open();
  await spool.append(lines('a', 2));
  await spool.append(lines('b', 2));
  assert.deepEqual((await spool.peek(10)).lines, [...lines('a', 2), ...lines('b', 2)]);
  assert.deepEqual(
    log.records.filter((r) => r.level === 'error').map((r) => r.msg),
    ['cannot open spool directory; keeping points in memory (bounded)'],
  );
  await rm(dir, { recursive: true });
});
