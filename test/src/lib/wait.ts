/** How long and how often `waitFor` polls, and what it waits for (for the timeout message). */
export interface WaitOptions {
  readonly timeoutMs: number;
  readonly intervalMs?: number;
  readonly what: string;
}

/**
 * Polls `cond` until it returns a value other than undefined/false and returns that value.
 * Errors thrown by `cond` count as "not yet"; the last one is named in the timeout error.
 */
export async function waitFor<T>(
  cond: () => Promise<T | undefined | false> | T | undefined | false,
  opts: WaitOptions,
): Promise<T> {
  const interval = opts.intervalMs ?? 200;
  const deadline = Date.now() + opts.timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await cond();
      if (value !== undefined && value !== false) return value;
      lastError = undefined;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) {
      const why = lastError === undefined ? '' : ` (last error: ${(lastError as Error).message ?? String(lastError)})`;
      throw new Error(`timed out after ${opts.timeoutMs} ms waiting for ${opts.what}${why}`);
    }
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}
