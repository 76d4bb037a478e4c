import { HttpError, RequestTimedOutError } from '@influxdata/influxdb-client';
import type { WriteTarget } from './write-target.js';

/** What a failed write means for the batch: retry it later, or drop it as rejected. */
export interface WriteFailure {
  /**
   * True for 5xx, 429, timeouts and network errors, and for 401, 403 and 404: the batch is kept
   * (spooled, bounded) and retried. False where the store refuses the data itself (400, 413 ...).
   */
  readonly retryable: boolean;
  /**
   * The store refuses us until an admin acts (401/403: the token; 404: the org, bucket or URL):
   * kept like an outage, but logged as an error rather than a warning.
   */
  readonly misconfigured?: boolean;
  /**
   * 413: the body is above the store's limit (InfluxDB `http.max-body-size`). Not retryable as
   * it is, but the sink splits the batch in halves and sends each (as telegraf does).
   */
  readonly tooLarge?: boolean;
  /** HTTP status, when the store answered. */
  readonly status?: number;
  /** The store's Retry-After, in ms, when it sent one. */
  readonly retryAfterMs?: number;
  /** One line for the log: status or error code and a body excerpt. */
  readonly message: string;
}

const EXCERPT = 200;

/**
 * Classifies an error of a write request. 429 and 5xx are an outage. 401, 403 and 404 mean the
 * store refuses us until an admin fixes the token, org, bucket or URL (or upgrades an InfluxDB
 * < 1.8, which has no v2 write API): the points are kept in the bounded spool meanwhile rather
 * than lost (v1: a missing database or retention policy, which 1.x answers 404 and 500, too). Other 4xx refuse the data itself (a type conflict, a too large body): retrying cannot
 * help, so the batch is dropped and counted; 413 (too large) is marked so that the sink splits the
 * batch instead. Anything that is not an HTTP answer is a timeout or a network error.
 */
export function classifyWriteError(
  err: unknown,
  nowMs: number,
  target: Pick<WriteTarget, 'api' | 'what'> = { api: 'v2', what: 'the bucket' },
): WriteFailure {
  if (err instanceof HttpError) {
    const status = err.statusCode;
    const body = (err.body ?? '').replace(/\s+/g, ' ').trim().slice(0, EXCERPT);
    const retryAfterMs = parseRetryAfter(headerValue(err.headers?.['retry-after']), nowMs);
    const misconfigured = (message: string): WriteFailure => ({
      retryable: true,
      misconfigured: true,
      status,
      message,
    });
    if (target.api === 'v1' && /database not found|retention policy not found/i.test(body)) {
      // 1.x: 404 for a missing database, 500 for a missing retention policy; both wait for an admin.
      return misconfigured(
        `HTTP ${status} from /write: ${body.includes('database') ? target.what : 'the retention policy'} does not exist ` +
          `(CREATE DATABASE / CREATE RETENTION POLICY, or fix influxdb.database / influxdb.retentionPolicy): ${body}`,
      );
    }
    if (status === 429 || status >= 500) {
      return { retryable: true, status, retryAfterMs, message: `HTTP ${status}: ${body}` };
    }
    if (status === 404) return misconfigured(notFoundMessage(target, body));
    if (status === 401 || status === 403) {
      const check =
        target.api === 'v1'
          ? `the credentials (check influxdb.user and passwordFile, or tokenFile, and the rights on ${target.what})`
          : 'the token (check influxdb.tokenFile and its permissions on the bucket)';
      return misconfigured(`HTTP ${status}: the store refuses ${check}: ${body}`);
    }
    if (status === 413) {
      return {
        retryable: false,
        tooLarge: true,
        status,
        message: `HTTP 413: the request body is above the store's limit (InfluxDB: http.max-body-size): ${body}`,
      };
    }
    return { retryable: false, status, message: `HTTP ${status}: ${body}` };
  }
  if (err instanceof RequestTimedOutError) return { retryable: true, message: 'request timed out' };
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const text = err instanceof Error ? err.message : String(err);
  return { retryable: true, message: code && !text.includes(code) ? `${code}: ${text}` : text };
}

/** A 404: on v2 most often an InfluxDB before 1.8 (only /write), else a missing org or bucket. */
function notFoundMessage(target: Pick<WriteTarget, 'api' | 'what'>, body: string): string {
  if (target.api === 'v1')
    return `HTTP 404 from /write: the server has no /write or ${target.what} does not exist: ${body}`;
  return (
    `HTTP 404 from /api/v2/write: this server has no /api/v2/write (InfluxDB before 1.8?): set influxdb.api: v1; ` +
    `or the org/bucket does not exist: ${body}`
  );
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Parses a Retry-After header (seconds or an HTTP date) to ms from now; undefined when absent or malformed. */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  if (Number.isNaN(date) || !/[a-z]/i.test(text)) return undefined;
  return Math.max(0, date - nowMs);
}

/** Backoff settings: the first delay and the cap, in ms. */
export interface BackoffOptions {
  readonly baseMs: number;
  readonly maxMs: number;
}

/**
 * Delay before retry number `failures` (1 = after the first failure): exponential from
 * `baseMs`, capped at `maxMs`, with "equal jitter" (half fixed, half random) so that many
 * agents do not hammer a recovering store in step. A Retry-After is honoured up to the cap.
 */
export function backoffDelay(
  failures: number,
  options: BackoffOptions,
  random: () => number,
  retryAfterMs?: number,
): number {
  const exp = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, failures - 1));
  const jittered = exp / 2 + (random() * exp) / 2;
  return Math.round(Math.max(jittered, Math.min(retryAfterMs ?? 0, options.maxMs)));
}
