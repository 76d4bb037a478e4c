import { hostname } from 'node:os';
import { join } from 'node:path';
import { errorMessage, type AgentConfig } from '@slurmscope/common';
import type { Logger } from '@slurmscope/model';
import { discoverJobs } from '../collectors/cgroup.js';
import { readOptional } from '../collectors/fs.js';
import { parseCpuList } from '../parse/cgroup.js';
import { restoreFromStateFile } from '../throttle/fallback.js';
import { throttleStatePath } from '../throttle/state.js';
import { sendHook } from './client.js';
import type { HookMessage } from './protocol.js';

/** Which Slurm hook runs. */
export type HookKind = 'prolog' | 'epilog';

/** What `slurmscope hook prolog|epilog` passes in. */
export interface RunHookOptions {
  readonly config: AgentConfig;
  /** Filesystem root (`--root`, else config `root`). */
  readonly root: string;
  /** Slurm's environment: SLURM_JOB_ID, SLURMD_NODENAME. */
  readonly env: NodeJS.ProcessEnv;
  readonly log: Logger;
  /** Longest wait for the agent's answer; default 700 ms (a prolog must return within 1 s). */
  readonly timeoutMs?: number;
}

const JOB_ID = /^\d{1,20}$/;

/**
 * Runs a Slurm hook and returns the exit code: always 0, so that a job is never failed (nor the
 * node drained) by the throttler. Prolog: asks the agent to restore the job's cores (from its
 * cpuset when the job's cgroup exists already, else the whole node); when the agent cannot be
 * asked, restores them from the throttler's state file itself. Epilog: tells the agent, or
 * nothing when it is down.
 */
export async function runHook(which: HookKind, opts: RunHookOptions): Promise<number> {
  const { config, env, log } = opts;
  const jobid = env.SLURM_JOB_ID ?? '';
  if (!JOB_ID.test(jobid)) {
    log.error(
      { hook: which, SLURM_JOB_ID: jobid },
      'SLURM_JOB_ID missing or not a job id: not run by Slurm? nothing done',
    );
    return 0;
  }
  if (config.throttle.mode === 'off') {
    log.debug({ hook: which, jobid }, 'throttling is off: nothing to do');
    return 0;
  }
  const node = env.SLURMD_NODENAME || config.node || hostname().split('.')[0] || 'localhost';
  const timeoutMs = opts.timeoutMs ?? 700;
  if (which === 'epilog') {
    try {
      await sendHook(config.throttle.socket, { op: 'epilog', jobid }, timeoutMs);
    } catch (err) {
      log.info({ jobid, err: errorMessage(err) }, 'epilog: agent not reachable; nothing to do');
    }
    return 0;
  }
  const cpus = findJobCpus(opts.root, node, jobid, log);
  const msg: HookMessage = cpus === undefined ? { op: 'prolog', jobid } : { op: 'prolog', jobid, cpus };
  try {
    const reply = await sendHook(config.throttle.socket, msg, timeoutMs);
    if (reply.ok) return 0;
    log.error({ jobid, err: reply.error }, 'prolog: the agent failed; restoring from the state file');
  } catch (err) {
    log.warn({ jobid, err: errorMessage(err) }, 'prolog: agent not reachable; restoring from the state file');
  }
  const stateFile = throttleStatePath(config.stateDir, node);
  const { restored, failed } = restoreFromStateFile({ root: opts.root, stateFile, ...(cpus ? { cpus } : {}), log });
  log.info({ jobid, restored, failed, stateFile }, 'prolog: cores restored without the agent');
  return 0;
}

/** The job's CPUs from its cgroup's cpuset when it exists already; undefined = unknown (the whole node). */
export function findJobCpus(root: string, node: string, jobid: string, log: Logger): number[] | undefined {
  try {
    const job = discoverJobs({ root, node }).jobs.find((j) => j.jobid === jobid);
    if (job?.cpusetDir === undefined) return undefined;
    const path = join(job.cpusetDir, job.version === 2 ? 'cpuset.cpus.effective' : 'cpuset.cpus');
    const text = readOptional(path);
    const cpus = text === undefined ? [] : parseCpuList(text, path);
    return cpus.length > 0 ? cpus : undefined;
  } catch (err) {
    log.warn({ jobid, err: errorMessage(err) }, "cannot read the job's cpuset; restoring the whole node");
    return undefined;
  }
}
