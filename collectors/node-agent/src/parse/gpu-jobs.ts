import { ParseError } from '@slurmscope/common';
import { parseCpuList, parseJobDirName, type JobDirName } from './cgroup.js';
import type { ComputeApp, GpuReading, NvidiaGpuInfo } from './nvidia-smi.js';

/**
 * GPU → job, pure part. Two sources, both needed:
 * - processes: a compute app's PID → its cgroup (`proc/<pid>/cgroup`) → the job folder;
 * - allocation: the GPUs a job holds even when idle, from its processes' `SLURM_JOB_GPUS` (or
 *   `SLURM_STEP_GPUS`) or from the prolog hook's record. Slurm numbers GPUs by device minor number
 *   (`/dev/nvidia<minor>`, the order of gres.conf `File=` lines, which for the usual
 *   `File=/dev/nvidia[0-N]` or AutoDetect=nvml is the minor number); nvidia-smi numbers them by PCI
 *   bus. They are joined through the minor number the driver prints per PCI address, never by
 *   assuming the two orders agree. `CUDA_VISIBLE_DEVICES` is renumbered from 0 under device
 *   constraints and is NOT used.
 *
 * Supported: one GPU held by several jobs (shared GPUs via GRES sharing, or several jobs whose
 * processes run on it) is attributed to ALL holders with `shared: true`; the caller splits its
 * energy equally among them. MIG is not resolved per instance: nvidia-smi's GPU rows are whole
 * GPUs, so a MIG-partitioned GPU is attributed to every job holding any instance, as shared.
 */

/** Finds the Slurm job folder in a cgroup path: v1 `slurm[_node]/uid_N/job_X`, v2 `[node_]slurmstepd.scope/job_X`. */
const SLURM_CGROUP = /\/(?:slurm(?:_[^/]+)?\/uid_\d+|system\.slice\/(?:[^/]+_)?slurmstepd\.scope)\/(job_[^/\n]+)/;

/**
 * Parses `proc/<pid>/cgroup` (v1 "N:controller:/path" lines, v2 "0::/path") into the job folder
 * the process is in, or undefined for a process outside Slurm's jobs.
 */
export function parseProcCgroup(text: string): JobDirName | undefined {
  for (const line of text.split('\n')) {
    const m = SLURM_CGROUP.exec(line);
    if (m) return parseJobDirName(m[1] as string);
  }
  return undefined;
}

/** One variable of a NUL-separated `proc/<pid>/environ`, or undefined. */
export function environValue(text: string, name: string): string | undefined {
  const key = `${name}=`;
  for (const entry of text.split('\0')) if (entry.startsWith(key)) return entry.slice(key.length);
  return undefined;
}

/** Parses a Slurm GPU id list ("0,1", "0-3", "2"); "" and "N/A" (no GPU) give []. */
export function parseGpuIdList(text: string, source: string): number[] {
  const t = text.trim();
  return t === '' || t === 'N/A' ? [] : parseCpuList(t, source);
}

/** The GPUs (device minor numbers) a job holds, from a process environment; undefined if not set. */
export function gpusFromEnviron(text: string, source: string): number[] | undefined {
  const v = environValue(text, 'SLURM_JOB_GPUS') ?? environValue(text, 'SLURM_STEP_GPUS');
  return v === undefined ? undefined : parseGpuIdList(v, `${source} SLURM_JOB_GPUS`);
}

/** The prolog hook's record of a job's GPUs: `<stateDir>/jobs/<jobid>.json`. */
export interface JobGpuRecord {
  readonly jobid: string;
  /** Device minor numbers, as Slurm numbers GPUs. */
  readonly gpus: number[];
}

/** Parses and checks a prolog record (`{"jobid":"42","gpus":[0,1]}`). */
export function parseJobGpuRecord(text: string, source: string): JobGpuRecord {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    throw new ParseError(source, `not JSON: ${(err as Error).message}`, text);
  }
  const o = v as { jobid?: unknown; gpus?: unknown };
  if (typeof o !== 'object' || o === null || typeof o.jobid !== 'string' || !/^\d+$/.test(o.jobid)) {
    throw new ParseError(source, 'expected {"jobid": "<digits>", "gpus": [...]}', text);
  }
  const gpus = o.gpus;
  if (!Array.isArray(gpus) || !gpus.every((g) => Number.isInteger(g) && (g as number) >= 0)) {
    throw new ParseError(source, '"gpus" must be a list of device minor numbers', text);
  }
  return { jobid: o.jobid, gpus: gpus as number[] };
}

/** Fills each GPU's device minor number from the driver's info, by PCI address, else by UUID. */
export function attachMinors(gpus: readonly GpuReading[], infos: readonly NvidiaGpuInfo[]): GpuReading[] {
  const byBus = new Map(infos.flatMap((i) => (i.pciBusId ? [[i.pciBusId, i.minor] as const] : [])));
  const byUuid = new Map(infos.flatMap((i) => (i.uuid ? [[i.uuid, i.minor] as const] : [])));
  return gpus.map((g) => {
    const minor = byBus.get(g.pciBusId) ?? byUuid.get(g.uuid);
    return minor === undefined ? g : { ...g, minor };
  });
}

/** Who holds one GPU. */
export interface GpuAssignment {
  readonly gpu: GpuReading;
  /** Jobs holding it, sorted; empty when no job does. */
  readonly jobids: string[];
  /** True when more than one job holds it (split its energy among them). */
  readonly shared: boolean;
  /** Jobs seen running on it (a subset of jobids, or a job with no recorded allocation). */
  readonly runningJobids: string[];
}

/** Inputs of the GPU → job assignment. */
export interface AssignInput {
  /** GPUs with `minor` filled in (see attachMinors). */
  readonly gpus: readonly GpuReading[];
  readonly apps: readonly ComputeApp[];
  /** Job id of each compute-app PID that is in a Slurm job (others are left out). */
  readonly pidJobs: ReadonlyMap<number, string>;
  /** Device minor numbers each job holds (from environ or the prolog record). */
  readonly allocations: ReadonlyMap<string, readonly number[]>;
}

/** Assigns every GPU to the jobs that hold it by allocation or run on it. */
export function assignGpus(input: AssignInput): GpuAssignment[] {
  const holders = new Map<string, Set<string>>();
  const running = new Map<string, Set<string>>();
  const add = (m: Map<string, Set<string>>, uuid: string, jobid: string): void => {
    const s = m.get(uuid) ?? new Set<string>();
    s.add(jobid);
    m.set(uuid, s);
  };
  const byMinor = new Map(input.gpus.flatMap((g) => (g.minor === undefined ? [] : [[g.minor, g.uuid] as const])));
  for (const [jobid, minors] of input.allocations) {
    for (const minor of minors) {
      const uuid = byMinor.get(minor);
      if (uuid !== undefined) add(holders, uuid, jobid);
    }
  }
  for (const app of input.apps) {
    const jobid = input.pidJobs.get(app.pid);
    if (jobid === undefined) continue;
    add(holders, app.gpuUuid, jobid);
    add(running, app.gpuUuid, jobid);
  }
  const sorted = (s: Set<string> | undefined): string[] => [...(s ?? [])].sort((a, b) => Number(a) - Number(b));
  return input.gpus.map((gpu) => {
    const jobids = sorted(holders.get(gpu.uuid));
    return { gpu, jobids, shared: jobids.length > 1, runningJobids: sorted(running.get(gpu.uuid)) };
  });
}
