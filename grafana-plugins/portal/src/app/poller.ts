// One poller per URL: at the cycle interval ± 10 % jitter (so that many pages never tick together),
// If-None-Match with the last ETag (304: keep the data), paused while the page is hidden, and on
// failure backing off (Retry-After when the server says, else doubling up to 5 min; never sooner
// than max(1 s, interval / 2)) while the last data stays on screen, marked stale with the reason.
// Each request (headers and body) has a time limit of min(interval, 30 s): a hung connection is a
// failure like any other, never the end of the polling.
import { anySignal, requestTimeoutMs, timeoutError, untilAborted } from './abort';

/** The part of a fetch Response a poller reads. */
export type PollResponse = Pick<Response, 'status' | 'ok' | 'headers' | 'json' | 'text'>;

/** What a poller needs from the page; passed in so tests drive time, visibility and the network. */
export interface PollerDeps {
  fetch(
    url: string,
    init: { headers: Record<string, string>; signal: AbortSignal; cache: RequestCache },
  ): Promise<PollResponse>;
  now(): number;
  random(): number;
  setTimer(fn: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
  hidden(): boolean;
  /** A signal that aborts after `ms` (the browser's AbortSignal.timeout; tests abort it by hand). */
  timeout(ms: number): AbortSignal;
  /** Calls `cb` when the page's visibility changes; returns the unsubscribe. */
  onVisibility(cb: () => void): () => void;
}

/** What a poller knows: the last good answer (kept across failures), and why it is stale, if it is. */
export interface PollSnapshot {
  readonly json?: unknown;
  /** When the last good answer (200 or 304) arrived (deps.now()). */
  readonly receivedMs?: number;
  /** Why the last request failed ("HTTP 503: no snapshot yet"); absent while fine. */
  readonly stale?: string;
}

/** The longest back-off: 5 min. */
export const MAX_BACKOFF_MS = 300_000;

/** Retry-After as ms (delta-seconds or an HTTP date), or undefined when absent or unreadable. Pure. */
export function retryAfterMs(value: string | null, nowMs: number): number | undefined {
  if (value === null || value.trim() === '') {
    return undefined;
  }
  const secs = Number(value);
  if (Number.isFinite(secs)) {
    return Math.max(0, secs * 1000);
  }
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/** The shortest wait after a failure: max(1 s, interval / 2) (a `Retry-After: 0` is no reason to hammer). Pure. */
export function minRetryMs(intervalMs: number): number {
  return Math.max(1000, intervalMs / 2);
}

/**
 * The wait before the next request: the interval when fine; after `failures` failures in a row
 * the server's Retry-After (at most 1 h), else interval × 2^failures up to 5 min; ± 10 % jitter
 * (`random` in [0,1)); after a failure never less than {@link minRetryMs}. Pure.
 */
export function nextDelay(o: { intervalMs: number; failures: number; retryAfter?: number; random: number }): number {
  const jitter = (base: number): number => Math.round(base * (1 + (o.random * 2 - 1) * 0.1));
  if (o.failures <= 0) {
    return jitter(o.intervalMs);
  }
  const floor = minRetryMs(o.intervalMs);
  const base =
    o.retryAfter !== undefined
      ? Math.min(o.retryAfter, 3_600_000)
      : Math.min(o.intervalMs * 2 ** o.failures, MAX_BACKOFF_MS);
  return Math.round(Math.max(floor, jitter(Math.max(floor, base))));
}

/** The reason of a failed answer: HTTP status and ctld's `error` text when the body has one. */
async function failure(res: PollResponse): Promise<string> {
  let detail = '';
  try {
    const body = (await res.text()).slice(0, 2000);
    const parsed: unknown = JSON.parse(body);
    const e = typeof parsed === 'object' && parsed !== null ? (parsed as { error?: unknown }).error : undefined;
    detail = typeof e === 'string' ? e : body.slice(0, 200);
  } catch (err) {
    detail = err instanceof SyntaxError ? '' : String(err); // a non-JSON body: the status says enough
  }
  return `HTTP ${res.status}${detail ? `: ${detail}` : ''}`;
}

/** Polls one URL; tells `listener` each new snapshot. start() fetches at once; stop() ends it all. */
export class Poller {
  private snap: PollSnapshot = {};
  private etag?: string;
  private failures = 0;
  private timer?: unknown;
  private inFlight?: AbortController;
  private due = false;
  private unsubscribe?: () => void;

  constructor(
    private readonly url: string,
    private readonly intervalMs: number,
    private readonly deps: PollerDeps,
    private readonly listener: (s: PollSnapshot) => void,
    private readonly headers: () => Record<string, string> = () => ({}),
  ) {}

  /** The last snapshot. */
  get snapshot(): PollSnapshot {
    return this.snap;
  }

  /** Starts polling: the first request at once, and follows the page's visibility. */
  start(): void {
    this.unsubscribe = this.deps.onVisibility(() => {
      if (!this.deps.hidden() && this.due) {
        this.deps.clearTimer(this.timer);
        void this.tick();
      }
    });
    void this.tick();
  }

  /** Stops: no timer, the request in flight aborted, no more calls of the listener. */
  stop(): void {
    this.deps.clearTimer(this.timer);
    this.inFlight?.abort();
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  private async tick(): Promise<void> {
    this.timer = undefined;
    if (this.deps.hidden()) {
      this.due = true; // fetched as soon as the page is visible again
      return;
    }
    this.due = false;
    const ctrl = new AbortController();
    this.inFlight = ctrl;
    const limitMs = requestTimeoutMs(this.intervalMs);
    const limit = this.deps.timeout(limitMs);
    const signal = anySignal([ctrl.signal, limit]);
    let retryAfter: number | undefined;
    try {
      const res = await untilAborted(
        this.deps.fetch(this.url, { headers: this.requestHeaders(), signal, cache: 'no-store' }),
        signal,
      );
      retryAfter = retryAfterMs(res.headers.get('retry-after'), this.deps.now());
      await this.handle(res, signal);
    } catch (err) {
      if (ctrl.signal.aborted) {
        return; // stopped: nobody listens any more
      }
      this.fail(
        limit.aborted
          ? `timeout: ${timeoutError(limitMs).message}`
          : `network: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
    if (!ctrl.signal.aborted) {
      this.schedule(retryAfter);
    }
  }

  private requestHeaders(): Record<string, string> {
    return { Accept: 'application/json', ...(this.etag ? { 'If-None-Match': this.etag } : {}), ...this.headers() };
  }

  /** Reads an answer; a body still unread when `signal` aborts (stop, time limit) throws. */
  private async handle(res: PollResponse, signal: AbortSignal): Promise<void> {
    if (res.status === 304) {
      this.ok(this.snap.json);
      return;
    }
    if (!res.ok) {
      this.fail(await untilAborted(failure(res), signal));
      return;
    }
    let json: unknown;
    try {
      json = await untilAborted(res.json(), signal);
    } catch (err) {
      if (signal.aborted) {
        throw err; // not bad JSON: the time limit or a stop (tick says which)
      }
      this.fail(`bad JSON: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    this.etag = res.headers.get('etag') ?? undefined;
    this.ok(json);
  }

  private ok(json: unknown): void {
    this.failures = 0;
    this.emit({ json, receivedMs: this.deps.now() });
  }

  private fail(reason: string): void {
    this.failures++;
    this.emit({ ...this.snap, stale: reason });
  }

  private emit(s: PollSnapshot): void {
    this.snap = s;
    this.listener(s);
  }

  private schedule(retryAfter: number | undefined): void {
    const delay = nextDelay({
      intervalMs: this.intervalMs,
      failures: this.failures,
      retryAfter,
      random: this.deps.random(),
    });
    this.timer = this.deps.setTimer(() => void this.tick(), delay);
  }
}
