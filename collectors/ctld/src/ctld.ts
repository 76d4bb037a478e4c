import type { CtldConfig } from '@slurmscope/common';
import type { Logger } from '@slurmscope/model';

/** What one ctld process needs besides its config. */
export interface CtldOptions {
  readonly config: CtldConfig;
  readonly log: Logger;
}

/** Polls Slurm once and returns the Prometheus text exposition. */
export async function pollOnce(opts: CtldOptions): Promise<string> {
  opts.log.debug({}, 'ctld --once: not implemented yet');
  return '';
}

/** Runs ctld until `signal` aborts. */
export async function runCtld(opts: CtldOptions, signal: AbortSignal): Promise<void> {
  opts.log.info({ listen: opts.config.api.listen }, 'ctld started');
  await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  opts.log.info({}, 'ctld stopped');
}
