import {
  MAX_BACKOFF_MS,
  minRetryMs,
  nextDelay,
  Poller,
  PollerDeps,
  PollResponse,
  PollSnapshot,
  retryAfterMs,
} from './poller';
import { PollHub } from './hub';

/** A scripted response. */
function res(status: number, body: unknown, headers: Record<string, string> = {}): PollResponse {
  const h = new Headers(headers);
  return {
    status,
    ok: status >= 200 && status < 300,
    headers: h,
    json: async () => (typeof body === 'string' ? JSON.parse(body) : body),
    text: async () => (typeof body === 'string' ? body : JSON.stringify(body)),
  } as PollResponse;
}

/** Fake page: scripted network, manual timers, a visibility switch. */
function fakePage() {
  const answers: Array<PollResponse | Error> = [];
  const requests: Array<{ url: string; headers: Record<string, string> }> = [];
  const timers: Array<{ fn: () => void; ms: number; id: number }> = [];
  /** The time limit of each request (ms and its controller: a test aborts it to play the clock). */
  const limits: Array<{ ms: number; ctrl: AbortController }> = [];
  let hidden = false;
  let visibility: (() => void) | undefined;
  let nextId = 1;
  const deps: PollerDeps = {
    fetch: async (url, init) => {
      requests.push({ url, headers: init.headers });
      const a = answers.shift();
      if (a === undefined) {
        throw new Error('no scripted answer');
      }
      if (a instanceof Error) {
        throw a;
      }
      return a;
    },
    now: () => 1_000_000,
    random: () => 0.5, // no jitter
    setTimer: (fn, ms) => {
      const t = { fn, ms, id: nextId++ };
      timers.push(t);
      return t.id;
    },
    clearTimer: (id) => {
      const i = timers.findIndex((t) => t.id === id);
      if (i >= 0) {
        timers.splice(i, 1);
      }
    },
    hidden: () => hidden,
    timeout: (ms) => {
      const ctrl = new AbortController();
      limits.push({ ms, ctrl });
      return ctrl.signal;
    },
    onVisibility: (cb) => {
      visibility = cb;
      return () => (visibility = undefined);
    },
  };
  return {
    deps,
    answers,
    requests,
    timers,
    limits,
    /** Runs the one pending timer and returns its delay. */
    fire(): number {
      const t = timers.shift();
      if (t === undefined) {
        throw new Error('no timer pending');
      }
      t.fn();
      return t.ms;
    },
    setHidden(h: boolean) {
      hidden = h;
      visibility?.();
    },
  };
}

/** Waits (macrotask turns, bounded) until `cond` holds. */
async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (cond()) {
      return;
    }
    await new Promise((r) => setTimeout(r, 0)); // one macrotask turn: lets the awaited fetch chain settle
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('Poller', () => {
  test('200 then 304 with If-None-Match: the data kept, the next request one interval later', async () => {
    const page = fakePage();
    const seen: PollSnapshot[] = [];
    page.answers.push(res(200, { a: 1 }, { etag: '"c1"' }), res(304, ''));
    const p = new Poller('/api/v1/availability', 30_000, page.deps, (s) => seen.push(s));
    p.start();
    await until(() => page.timers.length === 1, 'the first schedule');
    expect(seen).toEqual([{ json: { a: 1 }, receivedMs: 1_000_000 }]);
    expect(page.requests[0]?.headers['If-None-Match']).toBeUndefined();
    expect(page.fire()).toBe(30_000);
    await until(() => page.timers.length === 1, 'the second schedule');
    expect(page.requests[1]?.headers['If-None-Match']).toBe('"c1"');
    expect(seen[1]).toEqual({ json: { a: 1 }, receivedMs: 1_000_000 });
    p.stop();
  });

  test("503 with Retry-After: stale with ctld's reason, data kept, next request when the server says", async () => {
    const page = fakePage();
    const seen: PollSnapshot[] = [];
    page.answers.push(
      res(200, { a: 1 }),
      res(503, { error: 'no snapshot yet' }, { 'retry-after': '7' }),
      res(200, { a: 2 }),
    );
    const p = new Poller('/u', 10_000, page.deps, (s) => seen.push(s));
    p.start();
    await until(() => page.timers.length === 1, 'schedule');
    page.fire();
    await until(() => seen.length === 2 && page.timers.length === 1, 'the failure');
    expect(seen[1]).toEqual({ json: { a: 1 }, receivedMs: 1_000_000, stale: 'HTTP 503: no snapshot yet' });
    expect(page.fire()).toBe(7_000);
    await until(() => seen.length === 3, 'recovery');
    expect(seen[2]).toEqual({ json: { a: 2 }, receivedMs: 1_000_000 });
    expect(page.timers[0]?.ms).toBe(10_000);
    p.stop();
  });

  test('network errors double the wait up to 5 min', async () => {
    const page = fakePage();
    const seen: PollSnapshot[] = [];
    const p = new Poller('/u', 30_000, page.deps, (s) => seen.push(s));
    for (let i = 0; i < 6; i++) {
      page.answers.push(new Error('Failed to fetch'));
    }
    p.start();
    const waits: number[] = [];
    for (let i = 0; i < 5; i++) {
      await until(() => page.timers.length === 1, `schedule ${i}`);
      waits.push(page.fire());
    }
    expect(waits).toEqual([60_000, 120_000, 240_000, MAX_BACKOFF_MS, MAX_BACKOFF_MS]);
    expect(seen[0]).toEqual({ stale: 'network: Failed to fetch' });
    p.stop();
  });

  test('hidden page: no request while hidden; one at once when visible again', async () => {
    const page = fakePage();
    page.answers.push(res(200, { a: 1 }), res(200, { a: 2 }));
    const p = new Poller('/u', 30_000, page.deps, () => undefined);
    p.start();
    await until(() => page.timers.length === 1, 'schedule');
    page.setHidden(true);
    page.fire();
    await until(() => page.timers.length === 0, 'the skipped tick');
    expect(page.requests).toHaveLength(1);
    page.setHidden(false);
    await until(() => page.requests.length === 2 && page.timers.length === 1, 'the refresh on visible');
    p.stop();
    expect(page.timers).toHaveLength(0);
  });

  test('bad JSON is stale, not a crash; stop() ends the polling', async () => {
    const page = fakePage();
    const seen: PollSnapshot[] = [];
    page.answers.push(res(200, '{"a":'));
    const p = new Poller('/u', 1000, page.deps, (s) => seen.push(s));
    p.start();
    await until(() => seen.length === 1, 'the answer');
    expect(seen[0]?.stale).toMatch(/^bad JSON: /);
    p.stop();
    expect(page.timers).toHaveLength(0);
  });
});

describe('Poller: time limit', () => {
  test('a hung connection: stale "timeout" at min(interval, 30 s), backoff, and polling goes on', async () => {
    const page = fakePage();
    const seen: PollSnapshot[] = [];
    let fetchSignal: AbortSignal | undefined;
    page.deps.fetch = (url, init) => {
      page.requests.push({ url, headers: init.headers });
      fetchSignal = init.signal;
      const a = page.answers.shift();
      return a === undefined ? new Promise(() => undefined) : Promise.resolve(a as PollResponse); // never answers
    };
    const p = new Poller('/u', 60_000, page.deps, (s) => seen.push(s));
    p.start();
    await until(() => page.limits.length === 1, 'the request');
    expect(page.limits[0]?.ms).toBe(30_000);
    expect(page.timers).toHaveLength(0); // hung: nothing scheduled yet
    page.limits[0]?.ctrl.abort();
    await until(() => page.timers.length === 1, 'the retry after the time limit');
    expect(fetchSignal?.aborted).toBe(true); // the hung request itself is cancelled
    expect(seen).toEqual([{ stale: 'timeout: no answer within 30 s' }]);
    expect(page.fire()).toBe(120_000);
    await until(() => page.requests.length === 2, 'the next request');
    p.stop();
  });

  test('a stalled body (res.json never settles) is a timeout too; the last data stays', async () => {
    const page = fakePage();
    const seen: PollSnapshot[] = [];
    const stalled = { ...res(200, {}), json: () => new Promise(() => undefined) } as PollResponse;
    page.answers.push(res(200, { a: 1 }), stalled);
    const p = new Poller('/u', 10_000, page.deps, (s) => seen.push(s));
    p.start();
    await until(() => page.timers.length === 1, 'schedule');
    page.fire();
    await until(() => page.limits.length === 2, 'the second request');
    page.limits[1]?.ctrl.abort();
    await until(() => seen.length === 2, 'the timeout');
    expect(seen[1]).toEqual({ json: { a: 1 }, receivedMs: 1_000_000, stale: 'timeout: no answer within 10 s' });
    expect(page.timers[0]?.ms).toBe(20_000);
    p.stop();
  });

  test('stop() during a request: no stale note, nothing scheduled', async () => {
    const page = fakePage();
    const seen: PollSnapshot[] = [];
    page.deps.fetch = (_url, init) =>
      new Promise((_r, reject) => init.signal.addEventListener('abort', () => reject(new Error('aborted'))));
    const p = new Poller('/u', 10_000, page.deps, (s) => seen.push(s));
    p.start();
    await until(() => page.limits.length === 1, 'the request');
    p.stop();
    await new Promise((r) => setTimeout(r, 0));
    expect(seen).toEqual([]);
    expect(page.timers).toHaveLength(0);
  });
});

describe('Poller: retry floor', () => {
  test('Retry-After: 0 and a past date wait max(1 s, interval / 2), not 0', async () => {
    const page = fakePage();
    page.answers.push(
      res(503, 'busy', { 'retry-after': '0' }),
      res(503, 'busy', { 'retry-after': new Date(0).toUTCString() }),
    );
    const p = new Poller('/u', 10_000, page.deps, () => undefined);
    p.start();
    await until(() => page.timers.length === 1, 'first retry');
    expect(page.fire()).toBe(5_000);
    await until(() => page.timers.length === 1, 'second retry');
    expect(page.timers[0]?.ms).toBe(5_000);
    p.stop();
  });
});

describe('PollHub', () => {
  test('one poller per URL: the second subscriber gets the last snapshot without a request; the last unsubscribe stops it', async () => {
    const page = fakePage();
    page.answers.push(res(200, { a: 1 }));
    const hub = new PollHub(page.deps, 30_000);
    const a: PollSnapshot[] = [];
    const b: PollSnapshot[] = [];
    const offA = hub.subscribe('/u', (s) => a.push(s));
    await until(() => a.length === 1, 'first answer');
    const offB = hub.subscribe('/u', (s) => b.push(s));
    expect(b).toEqual(a);
    expect(page.requests).toHaveLength(1);
    offA();
    expect(page.timers).toHaveLength(1);
    offB();
    expect(page.timers).toHaveLength(0);
  });
});

describe('nextDelay and retryAfterMs', () => {
  test('jitter stays within ± 10 %', () => {
    expect(nextDelay({ intervalMs: 1000, failures: 0, random: 0 })).toBe(900);
    expect(nextDelay({ intervalMs: 1000, failures: 0, random: 0.999999 })).toBe(1100);
  });

  test('after a failure never below max(1 s, interval / 2), jitter included; doubling kept', () => {
    expect(minRetryMs(500)).toBe(1000);
    expect(minRetryMs(30_000)).toBe(15_000);
    expect(nextDelay({ intervalMs: 500, failures: 1, retryAfter: 0, random: 0 })).toBe(1000);
    expect(nextDelay({ intervalMs: 30_000, failures: 3, retryAfter: 0, random: 0 })).toBeGreaterThanOrEqual(15_000);
    expect(nextDelay({ intervalMs: 30_000, failures: 2, random: 0.5 })).toBe(120_000);
    expect(nextDelay({ intervalMs: 200, failures: 1, random: 0.5 })).toBe(1000);
  });

  test('Retry-After: seconds, an HTTP date, junk', () => {
    expect(retryAfterMs('120', 0)).toBe(120_000);
    expect(retryAfterMs(new Date(61_000).toUTCString(), 1_000)).toBe(60_000);
    expect(retryAfterMs('soon', 0)).toBeUndefined();
    expect(retryAfterMs(null, 0)).toBeUndefined();
  });
});
