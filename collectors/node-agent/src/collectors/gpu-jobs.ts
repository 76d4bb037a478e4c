import { join } from 'node:path';
import type { JobDirName } from '../parse/cgroup.js';
import { gpusFromEnviron, parseJobGpuRecord, parseProcCgroup, type JobGpuRecord } from '../parse/gpu-jobs.js';
import { ENVIRON_MAX_BYTES, listDir, readOptional } from './fs.js';

/**
 * GPU → job, reading part: process cgroups and environments under `root/proc`, and the prolog
 * hook's records under `<stateDir>/jobs/`. See ../parse/gpu-jobs.ts for what is supported.
 * A job's allocation does not change during its life: callers should cache it per job id.
 */

/** The job folder a process is in (from `proc/<pid>/cgroup`); undefined when it is outside Slurm or gone. */
export function readPidJob(root: string, pid: number): JobDirName | undefined {
  const text = readOptional(join(root, 'proc', String(pid), 'cgroup'));
  return text === undefined ? undefined : parseProcCgroup(text);
}

/** Job ids of the given PIDs (e.g. nvidia-smi's compute apps); PIDs outside numbered jobs are left out. */
export function readPidJobs(root: string, pids: Iterable<number>): Map<number, string> {
  const out = new Map<number, string>();
  for (const pid of pids) {
    const job = readPidJob(root, pid);
    if (job?.kind === 'jobid') out.set(pid, job.jobid);
  }
  return out;
}

/**
 * The GPUs (device minor numbers) a job holds, from the first of its processes whose environment
 * has `SLURM_JOB_GPUS` (or `SLURM_STEP_GPUS`); undefined when none has (a job without GPUs, or
 * processes that ended).
 */
export function readEnvironGpus(root: string, pids: readonly number[]): number[] | undefined {
  for (const pid of pids) {
    const path = join(root, 'proc', String(pid), 'environ');
    // A process that ended meanwhile reads as absent; any other failure is the job's error.
    const text = readOptional(path, ENVIRON_MAX_BYTES);
    if (text === undefined) continue;
    const gpus = gpusFromEnviron(text, path);
    if (gpus !== undefined) return gpus;
  }
  return undefined;
}

/** The prolog hook's record for a job (`<stateDir>/jobs/<jobid>.json`), or undefined when absent. */
export function readJobGpuRecord(stateDir: string, jobid: string): JobGpuRecord | undefined {
  const path = join(stateDir, 'jobs', `${jobid}.json`);
  const text = readOptional(path);
  return text === undefined ? undefined : parseJobGpuRecord(text, path);
}

/** Every prolog record under `<stateDir>/jobs/`, with the malformed ones apart. */
export function readJobGpuRecords(stateDir: string): { records: JobGpuRecord[]; errors: Error[] } {
  const records: JobGpuRecord[] = [];
  const errors: Error[] = [];
  for (const e of listDir(join(stateDir, 'jobs')) ?? []) {
    if (!e.isFile() || !e.name.endsWith('.json')) continue;
    try {
      const r = readJobGpuRecord(stateDir, e.name.slice(0, -'.json'.length));
      if (r) records.push(r);
    } catch (err) {
      errors.push(err instanceof Error ? err : new Error(String(err)));
    }
  }
  return { records, errors };
}

/** A job and its PIDs, as the cgroup reader returns them. */
export interface JobPids {
  readonly jobid: string;
  readonly pids: readonly number[];
}

/**
 * The allocation of each job: the prolog record when there is one, else its processes'
 * environment. Jobs with neither are left out; a malformed record or environment is an error for
 * that job only.
 */
export function readGpuAllocations(opts: {
  readonly root: string;
  readonly stateDir?: string;
  readonly jobs: readonly JobPids[];
}): { allocations: Map<string, number[]>; errors: Error[] } {
  const allocations = new Map<string, number[]>();
  const errors: Error[] = [];
  for (const job of opts.jobs) {
    try {
      const gpus =
        (opts.stateDir === undefined ? undefined : readJobGpuRecord(opts.stateDir, job.jobid)?.gpus) ??
        readEnvironGpus(opts.root, job.pids);
      if (gpus !== undefined) allocations.set(job.jobid, gpus);
    } catch (err) {
      errors.push(err instanceof Error ? err : new Error(String(err)));
    }
  }
  return { allocations, errors };
}
