import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { isNotFound } from './errors.js';

/**
 * Writes `data` to `path` so that a reader, or the file after a crash, sees either the old or the
 * new contents, never a mix: a uniquely named temp file in the same directory is written and
 * fsynced, renamed over `path`, and the directory is fsynced so the rename itself is durable.
 * On error the temp file is removed and the error rethrown.
 */
export function writeFileAtomic(path: string, data: string | Buffer, mode: number): void {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const fd = openSync(tmp, 'wx', mode);
    try {
      const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
      let off = 0;
      while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (err) {
    removeQuietly(tmp);
    throw err;
  }
  fsyncDir(dir);
}

/** Removes a temp file after a failed write; the write's own error is what the caller gets. */
function removeQuietly(tmp: string): void {
  try {
    unlinkSync(tmp);
  } catch (err) {
    // Not there (the open failed) is expected. Any other failure is secondary to the error
    // being rethrown; the leftover `.tmp` is swept by its owner at start.
    if (isNotFound(err)) return;
  }
}

/** Fsyncs a directory so a rename in it survives a crash. */
function fsyncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
