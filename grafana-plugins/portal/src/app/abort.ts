// Time limits for the page's requests: a hung connection or a body that never ends must fail (and be
// said) instead of stopping the page's polling for good.

/** The longest a request may take: the poll interval, at most 30 s. Pure. */
export function requestTimeoutMs(intervalMs: number): number {
  return Math.max(1, Math.min(intervalMs, 30_000));
}

/** The error a timed-out request fails with (its name, TimeoutError, tells it from a stop). */
export function timeoutError(ms: number): Error {
  const e = new Error(`no answer within ${Math.round(ms / 100) / 10} s`);
  e.name = 'TimeoutError';
  return e;
}

/** A signal that aborts after `ms`: AbortSignal.timeout where the browser has it, else a timer. */
export function timeoutSignal(ms: number): AbortSignal {
  if (typeof AbortSignal.timeout === 'function') {
    return AbortSignal.timeout(ms);
  }
  const c = new AbortController();
  setTimeout(() => c.abort(timeoutError(ms)), ms);
  return c.signal;
}

/** A signal that aborts when any of `signals` does (with its reason): AbortSignal.any, else by hand. */
export function anySignal(signals: readonly AbortSignal[]): AbortSignal {
  if (typeof AbortSignal.any === 'function') {
    return AbortSignal.any([...signals]);
  }
  const c = new AbortController();
  for (const s of signals) {
    if (s.aborted) {
      c.abort(s.reason);
      return c.signal;
    }
    s.addEventListener('abort', () => c.abort(s.reason), { once: true });
  }
  return c.signal;
}

/**
 * `p`, or a rejection as soon as `signal` aborts (with its reason): reading a body whose
 * connection stalled ends at the time limit too, whether or not the body honours the signal.
 */
export function untilAborted<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    return Promise.reject(signal.reason ?? new Error('aborted'));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason ?? new Error('aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}

/**
 * A one-off request with a time limit of `ms` on the headers AND the body: `read` (res.json(),
 * res.text()) must finish in it too. Aborted by `stop` (a component going away) as well. A timeout
 * rejects with a TimeoutError ("no answer within 10 s").
 */
export async function limitedFetch<T>(
  url: string,
  init: RequestInit,
  ms: number,
  stop: AbortSignal,
  read: (res: Response) => Promise<T>,
): Promise<T> {
  const limit = timeoutSignal(ms);
  const signal = anySignal([stop, limit]);
  try {
    const res = await untilAborted(fetch(url, { ...init, signal }), signal);
    return await untilAborted(read(res), signal);
  } catch (err) {
    throw limit.aborted && !stop.aborted ? timeoutError(ms) : err;
  }
}
