import { queryComputeAppsOnce, queryGpusOnce, NvidiaSmiMonitor } from './collectors/index.js';
import type { ComputeApp, GpuReading } from './collectors/index.js';
import { errorMessage } from '@slurmscope/common';
import type { Logger } from '@slurmscope/model';

/** Where a cycle gets its GPU readings: the long-lived monitor (daemon) or one query (--once). */
export interface GpuSource {
  /** The latest GPU block; undefined when there is none or it is stale. */
  gpus(): readonly GpuReading[] | undefined;
  /** The latest compute-apps list; undefined when unknown. */
  apps(): readonly ComputeApp[] | undefined;
  /** Errors since the last call (garbage, hangs, restarts). */
  takeErrors(): number;
  stop(): Promise<void>;
}

/** The daemon's source: one nvidia-smi child in loop mode, compute apps once a minute; never awaited by the cycle. */
export function monitorSource(opts: {
  command: string;
  intervalMs: number;
  timeoutMs: number;
  log: Logger;
  env?: NodeJS.ProcessEnv;
}): GpuSource {
  const monitor = new NvidiaSmiMonitor({
    command: opts.command,
    intervalMs: opts.intervalMs,
    staleMs: Math.max(opts.timeoutMs, 2 * opts.intervalMs),
    // One fork of nvidia-smi costs more CPU than a whole agent cycle; which job holds a GPU comes
    // from the allocation (SLURM_JOB_GPUS / the prolog record) anyway, so the process list that
    // adds GPUs used outside an allocation is refreshed once a minute, not every cycle.
    appsIntervalMs: Math.max(60_000, opts.intervalMs),
    appsTimeoutMs: opts.timeoutMs,
    logger: opts.log,
    ...(opts.env === undefined ? {} : { env: opts.env }),
  });
  monitor.start();
  return {
    gpus: () => monitor.latest()?.value,
    apps: () => monitor.latestApps()?.value,
    takeErrors: () => monitor.takeErrors(),
    stop: () => monitor.stop(),
  };
}

/** `--once`: both queries run once, each with a timeout; a failure is one counted error. */
export async function onceSource(opts: {
  command: string;
  timeoutMs: number;
  log: Logger;
  env?: NodeJS.ProcessEnv;
}): Promise<GpuSource> {
  let errors = 0;
  const attempt = async <T>(what: string, fn: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await fn();
    } catch (err) {
      errors++;
      const message = errorMessage(err);
      opts.log.warn({ command: opts.command, err: message }, `nvidia-smi ${what} failed: ${message}`);
      return undefined;
    }
  };
  const gpus = await attempt('GPU query', () => queryGpusOnce(opts.command, opts.timeoutMs, opts.env));
  const apps = gpus?.length
    ? await attempt('compute-apps query', () => queryComputeAppsOnce(opts.command, opts.timeoutMs, opts.env))
    : [];
  return {
    gpus: () => gpus,
    apps: () => apps,
    takeErrors: () => {
      const n = errors;
      errors = 0;
      return n;
    },
    stop: async () => {},
  };
}
