// Long per-cycle computations (30,000 jobs × 2,000 node reports) are written as step generators:
// `yield` marks a point where the work may pause. The same code runs to the end at once (tests,
// `--once`, the bench's pure figures) or paced, giving the event loop back every few
// milliseconds so that API requests are answered while a cycle computes.

/** A computation that may pause at each `yield` and returns T. */
export type Steps<T> = Generator<void, T, void>;

/** Gives the event loop one turn: pending I/O (API requests) runs before the next slice. */
export function yieldToLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Runs `steps` to the end without pausing. */
export function runSteps<T>(steps: Steps<T>): T {
  for (;;) {
    const r = steps.next();
    if (r.done === true) return r.value;
  }
}

/** Options of {@link runPaced}. */
export interface PaceOptions {
  /** Longest stretch of work between two pauses (default 5 ms). */
  readonly budgetMs?: number;
  /** How to pause (default {@link yieldToLoop}). */
  readonly pause?: () => Promise<void>;
  /** Clock in ms (default performance.now). */
  readonly now?: () => number;
}

/** Runs `steps`, pausing at the first `yield` after each `budgetMs` of work. */
export async function runPaced<T>(steps: Steps<T>, opts: PaceOptions = {}): Promise<T> {
  const budget = opts.budgetMs ?? 5;
  const pause = opts.pause ?? yieldToLoop;
  const now = opts.now ?? (() => performance.now());
  let since = now();
  for (;;) {
    const r = steps.next();
    if (r.done === true) return r.value;
    if (now() - since >= budget) {
      await pause();
      since = now();
    }
  }
}

/** Calls `fn` on each item, yielding every `every` items. */
export function* eachSliced<T>(items: Iterable<T>, fn: (item: T) => void, every = 256): Steps<void> {
  let n = 0;
  for (const item of items) {
    fn(item);
    if (++n % every === 0) yield;
  }
}
