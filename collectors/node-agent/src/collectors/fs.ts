import { closeSync, existsSync, openSync, readdirSync, readSync, type Dirent } from 'node:fs';
import { isNotFound } from '@slurmscope/common';

/*
 * Synchronous reads on purpose: the files read here are kernel pseudo-files (sysfs, cgroupfs,
 * procfs) that are generated in memory and never wait on a disk. Measured on the project's
 * machine (Node 20, /sys/fs/cgroup/memory files): readFileSync ≈ 20 µs of CPU per file,
 * fs/promises readFile ≈ 185 µs (thread-pool round trips, fstat, promise machinery). At 256 jobs
 * × 6 files per 10 s cycle that is 30 ms vs 280 ms of CPU, so the hot path stays synchronous.
 *
 * Every read is bounded: a pseudo-file reports size 0 (or 4096), so its size cannot be checked
 * before reading, and a file that is not what it should be (a bind mount over /proc, a FIFO, a
 * multi-gigabyte file under a test root) must not take the agent's memory. Reading stops one byte
 * past the bound and fails with the path named.
 */

/** Default bound of one pseudo-file read: sysfs files are at most a page, memory.stat ~2 KB. */
export const DEFAULT_MAX_BYTES = 64 * 1024;

/**
 * Bound of a `/proc/<pid>/environ` read: the kernel caps arguments plus environment at a quarter of
 * the stack limit (2 MiB with the usual 8 MiB stack; execve(2), "Limits on size of arguments").
 */
export const ENVIRON_MAX_BYTES = 4 * 1024 * 1024;

/** Bytes asked of the kernel per read(2): a sysfs file comes whole in one page. */
const CHUNK = 8192;
const SCRATCH = Buffer.allocUnsafeSlow(CHUNK);

/** A file larger than the bound it was read with. */
export class FileTooLargeError extends Error {
  override readonly name = 'FileTooLargeError';
  constructor(
    readonly path: string,
    readonly maxBytes: number,
  ) {
    super(`${path}: larger than ${maxBytes} bytes, not read`);
  }
}

/**
 * Reads a pseudo-file as text, at most `maxBytes` (else `FileTooLargeError`). Throws the errno
 * error otherwise, e.g. ENOENT when a job vanished (its `path` names the file).
 */
export function readText(path: string, maxBytes = DEFAULT_MAX_BYTES): string {
  const fd = openSync(path, 'r');
  try {
    // One reused buffer (reads are synchronous, never two at once): a file of one chunk, every
    // sysfs and cgroup file, costs no allocation but its string; a longer one is copied out.
    const chunks: Buffer[] = [];
    let used = 0;
    let total = 0;
    for (;;) {
      if (used === CHUNK) {
        chunks.push(Buffer.from(SCRATCH));
        used = 0;
      }
      const n = readSync(fd, SCRATCH, used, Math.min(CHUNK - used, maxBytes + 1 - total), null);
      if (n === 0) break;
      used += n;
      total += n;
      if (total > maxBytes) throw new FileTooLargeError(path, maxBytes);
    }
    if (chunks.length === 0) return SCRATCH.toString('utf8', 0, used);
    chunks.push(SCRATCH.subarray(0, used));
    return Buffer.concat(chunks, total).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/** Reads a pseudo-file (bounded as `readText`), or returns undefined when it does not exist (optional files). */
export function readOptional(path: string, maxBytes = DEFAULT_MAX_BYTES): string | undefined {
  try {
    return readText(path, maxBytes);
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/** Lists a directory's entries, or undefined when the directory does not exist. */
export function listDir(path: string): Dirent[] | undefined {
  try {
    return readdirSync(path, { withFileTypes: true });
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/** True when the path exists. */
export function exists(path: string): boolean {
  return existsSync(path);
}
