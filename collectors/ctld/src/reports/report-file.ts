import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { promisify } from 'node:util';
import { createGunzip, gunzip } from 'node:zlib';
import type { JobReport } from './types.js';

const gunzipP = promisify(gunzip);

/**
 * Most bytes a report may inflate to (16 MiB): a batch script at Slurm's default
 * `max_script_size` (4 MB) plus the largest profile fits many times over. A file that inflates
 * beyond it is refused (a gzip bomb: 306 KB of zeros inflate to 300 MB).
 */
export const MAX_REPORT_BYTES = 16 * 1024 * 1024;

/** How much of each report the index rebuild inflates: its first fields (ids, user, state, times). */
export const REPORT_HEAD_BYTES = 64 * 1024;

/** A report file that is (or inflates to) more than the bound: refused, never inflated whole. */
export class ReportTooLargeError extends Error {
  override readonly name = 'ReportTooLargeError';
  constructor(
    readonly path: string,
    readonly limitBytes: number,
  ) {
    super(`${path}: report larger than ${limitBytes} bytes once inflated; refused`);
  }
}

/**
 * Reads and decompresses one report file, inflating at most `maxBytes` (a larger file, or one
 * that inflates beyond, is a {@link ReportTooLargeError} naming the path). Other errors,
 * EACCES and ENOENT included, go to the caller.
 */
export async function readReportFile(path: string, maxBytes = MAX_REPORT_BYTES): Promise<JobReport> {
  const fh = await open(path, 'r');
  let gz: Buffer;
  try {
    // gzip never grows its input by more than a few bytes per 64 KiB: a larger file inflates beyond the bound.
    if ((await fh.stat()).size > maxBytes) throw new ReportTooLargeError(path, maxBytes);
    gz = await fh.readFile();
  } finally {
    await fh.close();
  }
  let text: string;
  try {
    text = (await gunzipP(gz, { maxOutputLength: maxBytes })).toString('utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw new ReportTooLargeError(path, maxBytes);
    throw new Error(`${path}: ${(err as Error).message}`, { cause: err });
  }
  return JSON.parse(text) as JobReport;
}

/**
 * The first `maxBytes` of a report once inflated, streaming: never more is read or inflated,
 * whatever the file holds. `complete` is true when the whole report fitted.
 */
export async function readReportHead(
  path: string,
  maxBytes = REPORT_HEAD_BYTES,
): Promise<{ text: string; complete: boolean }> {
  const input = createReadStream(path, { highWaterMark: 16 * 1024 });
  const inflate = createGunzip({ chunkSize: 16 * 1024 });
  input.on('error', (err) => inflate.destroy(err));
  input.pipe(inflate);
  const chunks: Buffer[] = [];
  let size = 0;
  let complete = true;
  try {
    for await (const chunk of inflate as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= maxBytes) {
        complete = false;
        break; // leaving the loop destroys the inflater; the file stream is closed below
      }
    }
  } finally {
    input.destroy();
  }
  return { text: Buffer.concat(chunks).subarray(0, maxBytes).toString('utf8'), complete };
}
