import type { CtldConfig } from '@slurmscope/common';
import type { Logger } from '@slurmscope/model';
import { renderText } from '@slurmscope/prometheus';
import { availabilityFamilies } from './availability.js';
import { SlurmPoller, pollerFamilies } from './slurm/index.js';

/** What one ctld process needs besides its config. */
export interface CtldOptions {
  readonly config: CtldConfig;
  readonly log: Logger;
}

/**
 * `ctld --once`: polls Slurm once (commands on PATH or `slurm.binDir`, SLURM_CONF from the
 * environment) and returns the Prometheus text of availability and the poll's own health.
 * A Slurm that does not answer is an error naming the command.
 */
export async function pollOnce(opts: CtldOptions): Promise<string> {
  const poller = new SlurmPoller({
    timeoutMs: opts.config.slurm.timeout,
    log: opts.log,
    ...(opts.config.slurm.binDir === undefined ? {} : { binDir: opts.config.slurm.binDir }),
    useWorker: false,
  });
  try {
    const state = await poller.poll();
    if (!state.result) throw new Error(`Slurm poll failed: ${state.error ?? 'no result'}`);
    const families = [...availabilityFamilies(state.result.availability), ...pollerFamilies(poller)];
    return await renderText({ timestampMs: Date.now(), families }, families);
  } finally {
    await poller.close();
  }
}

/** Runs ctld until `signal` aborts. */
export async function runCtld(opts: CtldOptions, signal: AbortSignal): Promise<void> {
  opts.log.info({ listen: opts.config.api.listen }, 'ctld started');
  await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  opts.log.info({}, 'ctld stopped');
}
