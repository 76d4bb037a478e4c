// gzip answers whose first bytes change per request. The big part of an answer (the jobs of a
// cycle) is deflated once; per request, the few bytes before it (snapshot age, stale flag) go in
// front as an uncompressed "stored" deflate block (RFC 1951 §3.2.4), and the member's CRC-32 is
// combined from the two parts' CRCs (zlib's crc32_combine), so the answer is one ordinary gzip
// member (RFC 1952) that any client inflates, built without compressing anything per request.
import { constants, crc32, deflateRaw } from 'node:zlib';
import { yieldToLoop } from '../slices.js';

/** A part deflated once (raw deflate stream, final block included) with its CRC-32 and length. */
export interface DeflatedTail {
  readonly deflated: Buffer;
  readonly crc: number;
  /** Uncompressed length in bytes. */
  readonly length: number;
}

/**
 * Deflates `tail` in libuv's thread pool and takes its CRC-32 in slices, off the event loop.
 * Level 1 by default: on JSON it compresses ~10× at a third of the default level's CPU.
 */
export async function deflateTail(tail: Buffer, level = constants.Z_BEST_SPEED): Promise<DeflatedTail> {
  const deflated = new Promise<Buffer>((resolve, reject) => {
    deflateRaw(tail, { level }, (err, out) => (err ? reject(err) : resolve(out)));
  });
  let crc = 0;
  for (let off = 0; off < tail.length; off += CRC_SLICE) {
    crc = crc32(tail.subarray(off, off + CRC_SLICE), crc);
    if (off + CRC_SLICE < tail.length) await yieldToLoop();
  }
  return { deflated: await deflated, crc, length: tail.length };
}

// ~1 ms of CRC-32 per slice.
const CRC_SLICE = 1 << 20;

// ID1 ID2, CM=8 (deflate), FLG=0, MTIME=0 (none), XFL=0, OS=255 (unknown).
const GZIP_HEADER = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);

/** One gzip member of `head` followed by the pre-deflated `tail`, as chunks to write in order. */
export function gzipSpliced(head: Buffer, tail: DeflatedTail): Buffer[] {
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc32Combine(crc32(head), tail.crc, tail.length), 0);
  trailer.writeUInt32LE((head.length + tail.length) % 2 ** 32, 4);
  return [GZIP_HEADER, storedBlocks(head), tail.deflated, trailer];
}

/** Non-final stored deflate blocks holding `data`: 5 bytes of header per 65,535 bytes. Pure. */
export function storedBlocks(data: Buffer): Buffer {
  const parts: Buffer[] = [];
  for (let off = 0; off < data.length; off += 0xffff) {
    const chunk = data.subarray(off, off + 0xffff);
    const header = Buffer.alloc(5); // byte 0: BFINAL=0, BTYPE=00, then padding to the byte boundary
    header.writeUInt16LE(chunk.length, 1);
    header.writeUInt16LE(~chunk.length & 0xffff, 3);
    parts.push(header, chunk);
  }
  return Buffer.concat(parts);
}

const POLY = 0xedb88320;

/** a × b modulo the CRC-32 polynomial, both bit-reflected (zlib's multmodp); `a` must not be 0. */
function multModP(a: number, b: number): number {
  let m = 0x80000000;
  let p = 0;
  for (;;) {
    if ((a & m) !== 0) {
      p ^= b;
      if ((a & (m - 1)) === 0) break;
    }
    m >>>= 1;
    b = (b & 1) !== 0 ? (b >>> 1) ^ POLY : b >>> 1;
  }
  return p >>> 0;
}

// X2N[k] = x^(2^k) modulo the polynomial.
const X2N: readonly number[] = (() => {
  const t = [0x40000000]; // x^1
  for (let k = 1; k < 32; k++) t.push(multModP(t[k - 1]!, t[k - 1]!));
  return t;
})();

/** x^(n × 2^k) modulo the polynomial (zlib's x2nmodp). */
function x2nModP(n: number, k: number): number {
  let p = 0x80000000; // x^0
  while (n > 0) {
    if (n % 2 === 1) p = multModP(X2N[k & 31]!, p);
    n = Math.floor(n / 2);
    k++;
  }
  return p;
}

/** The CRC-32 of A‖B from crc(A), crc(B) and B's length (zlib's crc32_combine). Pure. */
export function crc32Combine(crcA: number, crcB: number, lengthB: number): number {
  return (multModP(x2nModP(lengthB, 3), crcA >>> 0) ^ crcB) >>> 0;
}

/**
 * True when an `Accept-Encoding` header accepts gzip: `gzip` (or `x-gzip`) with q > 0, or `*`
 * with q > 0 and gzip not named. Pure (RFC 9110 §12.5.3).
 */
export function acceptsGzip(header: string | undefined): boolean {
  if (header === undefined) return false;
  let star = false;
  for (const part of header.split(',')) {
    const [coding = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    const qParam = params.find((p) => p.startsWith('q='));
    const q = qParam === undefined ? 1 : Number(qParam.slice(2));
    const ok = Number.isFinite(q) && q > 0;
    if (coding === 'gzip' || coding === 'x-gzip') return ok;
    if (coding === '*') star = ok;
  }
  return star;
}
