import type { Logger } from '@slurmscope/model';

/**
 * Calls `fn` now and then every `intervalMs`, aligned to the first call and never overlapping,
 * until `signal` aborts. A cycle that throws is logged (`<what> failed`) and the loop goes on; a
 * cycle that overruns skips the missed ticks rather than bunching them. Resolves after the cycle
 * running at abort time has finished.
 */
export async function runEvery(
  intervalMs: number,
  signal: AbortSignal,
  fn: () => Promise<void>,
  log: Logger,
  what = 'cycle',
): Promise<void> {
  let next = Date.now();
  while (!signal.aborted) {
    try {
      await fn();
    } catch (err) {
      log.error({ err: (err as Error).message }, `${what} failed`);
    }
    next += intervalMs;
    const wait = next - Date.now();
    if (wait < 0) next = Date.now();
    await new Promise<void>((resolve) => {
      const onAbort = (): void => (clearTimeout(timer), resolve());
      // The listener goes with the timer: one per wait would pile up on the signal.
      const timer = setTimeout(() => (signal.removeEventListener('abort', onAbort), resolve()), Math.max(0, wait));
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}
