import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { crc32, gunzipSync } from 'node:zlib';
import { acceptsGzip, crc32Combine, deflateTail, gzipSpliced, storedBlocks } from './gzip.js';

/** Deterministic pseudo-random bytes (xorshift), so that a failing case can be rerun. */
function bytes(n: number, seed: number): Buffer {
  const b = Buffer.alloc(n);
  let x = seed || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    b[i] = x & 0xff;
  }
  return b;
}

const CRC_CASES: ReadonlyArray<{ name: string; a: Buffer; b: Buffer }> = [
  { name: 'both empty', a: Buffer.alloc(0), b: Buffer.alloc(0) },
  { name: 'empty B', a: Buffer.from('hello'), b: Buffer.alloc(0) },
  { name: 'empty A', a: Buffer.alloc(0), b: Buffer.from('world') },
  { name: 'one byte each', a: Buffer.from('{'), b: Buffer.from('}') },
  { name: 'JSON head and tail', a: Buffer.from('{"snapshotMs":1,"stale":false'), b: Buffer.from(',"jobs":[]}\n') },
  { name: 'random, odd lengths', a: bytes(1001, 7), b: bytes(70_001, 9) },
  { name: 'B over 2^20 bytes', a: bytes(3, 1), b: bytes(1_100_000, 3) },
];

for (const c of CRC_CASES) {
  test(`crc32Combine: ${c.name}`, () => {
    assert.equal(crc32Combine(crc32(c.a), crc32(c.b), c.b.length), crc32(Buffer.concat([c.a, c.b])));
  });
}

const SPLICE_CASES: ReadonlyArray<{ name: string; head: Buffer; tail: Buffer }> = [
  { name: 'JSON answer', head: Buffer.from('{"snapshotMs":1,"stale":false'), tail: Buffer.from(',"jobs":[1,2,3]}\n') },
  { name: 'empty head', head: Buffer.alloc(0), tail: Buffer.from('{"a":1}\n') },
  { name: 'empty tail', head: Buffer.from('{"a":1}'), tail: Buffer.alloc(0) },
  { name: 'head over one stored block (65,535 bytes)', head: bytes(150_000, 5), tail: bytes(10, 6) },
  { name: 'large repetitive tail', head: Buffer.from('{'), tail: Buffer.from('"x",'.repeat(500_000)) },
];

for (const c of SPLICE_CASES) {
  test(`gzipSpliced: ${c.name} inflates to head + tail`, async () => {
    const gz = Buffer.concat(gzipSpliced(c.head, await deflateTail(c.tail)));
    assert.deepEqual(gunzipSync(gz), Buffer.concat([c.head, c.tail]));
  });
}

test('gzipSpliced: the gzip tool accepts it as one member (CRC and length checked)', async (t) => {
  if (!hasGzipTool()) {
    t.skip('no gzip tool on PATH');
    return;
  }
  const gz = Buffer.concat(gzipSpliced(Buffer.from('{"age":1.5'), await deflateTail(Buffer.from(',"x":"y"}\n'))));
  assert.equal(execFileSync('gzip', ['-dc'], { input: gz }).toString(), '{"age":1.5,"x":"y"}\n');
  // A flipped CRC byte must be caught: the trailer is what the check reads.
  const bad = Buffer.from(gz);
  bad.writeUInt8(bad.readUInt8(bad.length - 8) ^ 0xff, bad.length - 8);
  assert.throws(() => gunzipSync(bad), /incorrect data check/);
});

function hasGzipTool(): boolean {
  try {
    execFileSync('gzip', ['--version'], { stdio: 'ignore' });
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

test('storedBlocks: 5 header bytes per 65,535 bytes, LEN and NLEN complementary', () => {
  const s = storedBlocks(bytes(70_000, 2));
  assert.equal(s.length, 70_000 + 10);
  assert.deepEqual([s[0], s.readUInt16LE(1), s.readUInt16LE(3)], [0, 0xffff, 0]);
  assert.deepEqual([s[65_540], s.readUInt16LE(65_541), s.readUInt16LE(65_543)], [0, 4465, ~4465 & 0xffff]);
  assert.equal(storedBlocks(Buffer.alloc(0)).length, 0);
});

const ACCEPT_CASES: ReadonlyArray<{ name: string; header: string | undefined; want: boolean }> = [
  { name: 'absent', header: undefined, want: false },
  { name: 'empty', header: '', want: false },
  { name: 'browser', header: 'gzip, deflate, br, zstd', want: true },
  { name: 'Go http client', header: 'gzip', want: true },
  { name: 'upper case', header: 'GZIP', want: true },
  { name: 'x-gzip', header: 'x-gzip', want: true },
  { name: 'identity only', header: 'identity', want: false },
  { name: 'br only', header: 'br', want: false },
  { name: 'gzip refused with q=0', header: 'gzip;q=0, deflate', want: false },
  { name: 'gzip with q=0.5', header: 'br;q=1.0, gzip;q=0.5', want: true },
  { name: 'star', header: '*', want: true },
  { name: 'star refused', header: '*;q=0', want: false },
  { name: 'star but gzip refused', header: 'gzip;q=0, *', want: false },
  { name: 'malformed q', header: 'gzip;q=abc', want: false },
  { name: 'spaces around', header: ' deflate ,  gzip ; q=0.8 ', want: true },
];

for (const c of ACCEPT_CASES) {
  test(`acceptsGzip: ${c.name}`, () => {
    assert.equal(acceptsGzip(c.header), c.want);
  });
}
