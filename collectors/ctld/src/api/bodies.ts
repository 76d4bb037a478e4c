// The public answers of a cycle, serialized once when the cycle's view is built. An answer is
// `{<freshness>` + tail: the freshness fields (snapshot age changes every request) are formatted
// per request, a few dozen bytes; the tail (`,"jobs":[…]}` + newline) is prepared once, plain and
// deflated, so a request costs a socket write whatever the number of jobs.
import { runSteps, type Steps } from '../slices.js';
import { deflateTail, gzipSpliced, type DeflatedTail } from './gzip.js';
import type { ApiResponse } from './router.js';
import type { Freshness } from './view.js';

/** One answer's bytes after its freshness fields, plain and (when worth it) deflated. */
export interface PreparedBody {
  /** E.g. `,"jobs":[…]}` and a newline: what follows `{"snapshotMs":…,"stale":…` in the answer. */
  readonly tail: Buffer;
  /** The tail's deflate stream; absent below {@link MIN_GZIP_BYTES}. */
  readonly deflated?: DeflatedTail;
}

/** Tails shorter than this are sent uncompressed. */
export const MIN_GZIP_BYTES = 1024;

/** JSON's content type, as the router writes it. */
export const JSON_TYPE = 'application/json; charset=utf-8';

/** Prepares a tail: keeps it and deflates it off the event loop. */
export async function prepareBody(tail: Buffer): Promise<PreparedBody> {
  if (tail.length < MIN_GZIP_BYTES) return { tail };
  return { tail, deflated: await deflateTail(tail) };
}

/** The tail of an object's JSON as fields that follow others: `{"a":1}` → `,"a":1}` + newline. Pure. */
export function objectTail(fields: Readonly<Record<string, unknown>>): Buffer {
  const json = JSON.stringify(fields);
  return Buffer.from(json === '{}' ? '}\n' : `,${json.slice(1)}\n`);
}

/** {@link arrayTailSteps} run at once. */
export function arrayTail(key: string, items: readonly unknown[], every?: number): Buffer {
  return runSteps(arrayTailSteps(key, items, every));
}

/**
 * Serializes `{key: items}` as a tail (`,"key":[…]}` + newline) in slices of `every` items,
 * pausing between slices; byte for byte what JSON.stringify writes.
 */
export function* arrayTailSteps(key: string, items: readonly unknown[], every = 500): Steps<Buffer> {
  const parts: Buffer[] = [Buffer.from(`,${JSON.stringify(key)}:[`)];
  for (let i = 0; i < items.length; i += every) {
    const json = JSON.stringify(items.slice(i, i + every));
    parts.push(Buffer.from(`${i === 0 ? '' : ','}${json.slice(1, -1)}`));
    yield;
  }
  parts.push(Buffer.from(']}\n'));
  return Buffer.concat(parts);
}

/** The head of an answer: its freshness fields as JSON without the closing brace. Pure. */
export function freshnessHead(fresh: Freshness): Buffer {
  return Buffer.from(JSON.stringify(fresh).slice(0, -1));
}

/** How one request asked for a prepared answer. */
export interface AnswerOptions {
  /** The client accepts gzip. */
  readonly gzip: boolean;
  /** The answer's entity tag (see {@link entityTag}). */
  readonly etag: string;
}

/** The 200 answer of a prepared body: the freshness formatted now, gzip'd when asked and prepared. */
export function preparedAnswer(fresh: Freshness, body: PreparedBody, opts: AnswerOptions): ApiResponse {
  const head = freshnessHead(fresh);
  const common = { status: 200, contentType: JSON_TYPE, etag: opts.etag } as const;
  if (opts.gzip && body.deflated !== undefined)
    return {
      ...common,
      body: gzipSpliced(head, body.deflated),
      headers: { 'content-encoding': 'gzip', vary: 'accept-encoding' },
    };
  return { ...common, body: [head, body.tail], headers: { vary: 'accept-encoding' } };
}

/**
 * A weak entity tag for one answer of one cycle: the snapshot's time and the cycle number
 * (unique across restarts), what was asked, and whether it is stale. Weak because the age in
 * the body moves on while the snapshot stays the same. Pure.
 */
export function entityTag(o: { snapshotMs: number; cycle: number; what: string; stale: boolean }): string {
  return `W/"${o.snapshotMs}.${o.cycle}.${encodeURIComponent(o.what)}${o.stale ? '.stale' : ''}"`;
}
