import type { AgentConfig } from '@slurmscope/common';
import type { Logger } from '@slurmscope/model';

/** What one agent process needs besides its config. Flags from the command line win over the file. */
export interface AgentOptions {
  readonly config: AgentConfig;
  readonly log: Logger;
  /** Filesystem root for /sys and /proc. */
  readonly root: string;
  /** Slurm node name. */
  readonly node: string;
  /** nvidia-smi executable, or undefined when GPUs are off. */
  readonly nvidiaSmi: string | undefined;
}

/** Takes one sample and returns the Prometheus text exposition; writes no state. */
export async function sampleOnce(opts: AgentOptions): Promise<string> {
  opts.log.debug({ root: opts.root, node: opts.node }, 'agent --once: not implemented yet');
  return '';
}

/** Runs the agent until `signal` aborts, then restores what it changed and flushes its outputs. */
export async function runAgent(opts: AgentOptions, signal: AbortSignal): Promise<void> {
  opts.log.info({ node: opts.node, root: opts.root }, 'agent started');
  await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  opts.log.info({}, 'agent stopped');
}
