import { dirname, join } from 'node:path';
import { isNotFound } from '@slurmscope/common';
import {
  parseCpuList,
  parseFlatKey,
  parseInteger,
  parseMemoryMax,
  parseOomKills,
  parsePidList,
  parsePressureAvg60,
  parseV1Limit,
} from '../parse/cgroup.js';
import type { JobCgroup } from './cgroup.js';
import { exists, listDir, readOptional, readText } from './fs.js';

/**
 * Reading one job's usage from its cgroup, at JOB level only: the hierarchy is cumulative, so the
 * job folder already counts every step and task (never add the steps again). v1 memory.stat's
 * `total_*` lines are the hierarchical ones; its plain lines cover the folder's own tasks only.
 * File paths are `${dir}/<file>`, not path.join: the folders come normalized from discovery, and
 * join was ~10 % of a daemon cycle (six files per job, every cycle).
 * A job whose folder is gone ended between listing and reading: `vanished`, not an error. A file
 * missing from a folder that is still there (memory.stat gone while the job runs, a controller not
 * enabled for the job) is an error naming the file, counted like a malformed one.
 */

/** A job's memory, in bytes. */
export interface JobMemory {
  /** usage − inactive file cache (the working set, what `docker stats`/cAdvisor call usage). */
  readonly usedBytes: number;
  /** Anonymous memory (v1 `total_rss`, v2 `anon`). */
  readonly rssBytes: number;
  /** Limit; absent when unlimited. */
  readonly limitBytes?: number;
  /** High-water mark of usage; absent where the kernel has no such file (v2 before 5.19). */
  readonly peakBytes?: number;
  /** Processes OOM-killed in the job's cgroup so far; absent where the kernel does not count them (v1 before 4.13). */
  readonly oomKills?: number;
  /** Share of the last minute some task stalled on memory (v2 PSI `some avg60`, 0..1); absent on v1 or without PSI. */
  readonly pressure?: number;
}

/** One job's reading. */
export interface JobReading {
  readonly jobid: string;
  readonly uid?: number;
  /** Cumulative CPU seconds of all the job's processes (monotonic for the job's life). */
  readonly cpuSeconds: number;
  /** CPUs of the job's cpuset, sorted; empty when the node has no cpuset for the job. */
  readonly cpus: number[];
  /** Absent when the node has no Slurm memory cgroup (v1 without the memory controller). */
  readonly memory?: JobMemory;
  /** PIDs of the job's steps and tasks; only when asked for (`pids: true`). */
  readonly pids?: number[];
}

/** The outcome of reading one job: a reading, a job that ended meanwhile, or an error. */
export type JobReadResult =
  | { readonly kind: 'ok'; readonly reading: JobReading }
  | { readonly kind: 'vanished'; readonly jobid: string }
  | { readonly kind: 'error'; readonly jobid: string; readonly error: Error };

/** Options of a job read. */
export interface ReadJobOptions {
  /** Also collect the job's PIDs (a few more directory reads; needed for GPU mapping). */
  readonly pids?: boolean;
}

/** Reads one job; a file missing because its job folder is gone (the job ended meanwhile) gives `vanished`. */
export function readJob(job: JobCgroup, opts: ReadJobOptions = {}): JobReadResult {
  try {
    const reading: JobReading = {
      jobid: job.jobid,
      ...(job.uid === undefined ? {} : { uid: job.uid }),
      cpuSeconds: job.version === 2 ? readCpuV2(job.cpuDir) : readCpuV1(job.cpuDir),
      cpus: job.cpusetDir === undefined ? [] : readCpus(job),
      ...(job.memoryDir === undefined ? {} : { memory: readMemory(job.version, job.memoryDir) }),
      ...(opts.pids ? { pids: readPids(job.cpuDir) } : {}),
    };
    return { kind: 'ok', reading };
  } catch (err) {
    if (isNotFound(err) && folderGone(err)) return { kind: 'vanished', jobid: job.jobid };
    return { kind: 'error', jobid: job.jobid, error: err instanceof Error ? err : new Error(String(err)) };
  }
}

/** True when the folder of the file that was not found is gone as well: its job ended. */
function folderGone(err: unknown): boolean {
  const path = (err as NodeJS.ErrnoException).path;
  return path === undefined || !exists(dirname(path));
}

/** The readings of many jobs, with the vanished and failed ones apart. */
export interface JobReadings {
  readonly readings: JobReading[];
  readonly vanished: string[];
  readonly errors: { readonly jobid: string; readonly error: Error }[];
}

/** Reads every job; one broken job never stops the others. */
export function readJobs(jobs: readonly JobCgroup[], opts: ReadJobOptions = {}): JobReadings {
  const out: JobReadings = { readings: [], vanished: [], errors: [] };
  for (const job of jobs) {
    const r = readJob(job, opts);
    if (r.kind === 'ok') out.readings.push(r.reading);
    else if (r.kind === 'vanished') out.vanished.push(r.jobid);
    else out.errors.push({ jobid: r.jobid, error: r.error });
  }
  return out;
}

function readCpuV1(dir: string): number {
  const path = `${dir}/cpuacct.usage`;
  return parseInteger(readText(path), path) / 1e9;
}

function readCpuV2(dir: string): number {
  const path = `${dir}/cpu.stat`;
  return parseFlatKey(readText(path), 'usage_usec', path) / 1e6;
}

function readCpus(job: JobCgroup): number[] {
  const path = `${job.cpusetDir as string}/${job.version === 2 ? 'cpuset.cpus.effective' : 'cpuset.cpus'}`;
  // v2: the file exists only where the cpuset controller is enabled for the job.
  const text = job.version === 2 ? readOptional(path) : readText(path);
  return text === undefined ? [] : parseCpuList(text, path);
}

function readMemory(version: 1 | 2, dir: string): JobMemory {
  return version === 1 ? readMemoryV1(dir) : readMemoryV2(dir);
}

function readMemoryV1(dir: string): JobMemory {
  const statPath = `${dir}/memory.stat`;
  const stat = readText(statPath);
  const usagePath = `${dir}/memory.usage_in_bytes`;
  const limitPath = `${dir}/memory.limit_in_bytes`;
  const peakPath = `${dir}/memory.max_usage_in_bytes`;
  const usage = parseInteger(readText(usagePath), usagePath);
  const limit = parseV1Limit(readText(limitPath), limitPath);
  const oomKills = readOomKillsV1(dir);
  return {
    usedBytes: Math.max(0, usage - parseFlatKey(stat, 'total_inactive_file', statPath)),
    rssBytes: parseFlatKey(stat, 'total_rss', statPath),
    ...(limit === undefined ? {} : { limitBytes: limit }),
    peakBytes: parseInteger(readText(peakPath), peakPath),
    ...(oomKills === undefined ? {} : { oomKills }),
  };
}

function readMemoryV2(dir: string): JobMemory {
  const statPath = `${dir}/memory.stat`;
  const stat = readText(statPath);
  const currentPath = `${dir}/memory.current`;
  const maxPath = `${dir}/memory.max`;
  const peakPath = `${dir}/memory.peak`;
  const eventsPath = `${dir}/memory.events`;
  const current = parseInteger(readText(currentPath), currentPath);
  const limit = parseMemoryMax(readText(maxPath), maxPath);
  const peakText = readOptional(peakPath);
  const oomKills = parseOomKills(readText(eventsPath), eventsPath);
  const pressure = readPressure(`${dir}/memory.pressure`);
  return {
    usedBytes: Math.max(0, current - parseFlatKey(stat, 'inactive_file', statPath)),
    rssBytes: parseFlatKey(stat, 'anon', statPath),
    ...(limit === undefined ? {} : { limitBytes: limit }),
    ...(peakText === undefined ? {} : { peakBytes: parseInteger(peakText, peakPath) }),
    ...(oomKills === undefined ? {} : { oomKills }),
    ...(pressure === undefined ? {} : { pressure }),
  };
}

/** v2 `memory.pressure` as a ratio, or undefined where the kernel keeps no PSI for the job. */
function readPressure(path: string): number | undefined {
  let text;
  try {
    text = readText(path);
  } catch (err) {
    if (psiUnavailable(err)) return undefined;
    throw err;
  }
  return parsePressureAvg60(text, path);
}

/**
 * True for a read of a PSI file that means "no pressure data", not a failure: the file is missing
 * (kernel without CONFIG_PSI, or `cgroup.pressure` set to 0 on 6.5+), or reading it fails with
 * EOPNOTSUPP (kernels before 5.18 booted with `psi=0` keep the files and psi_show refuses; Node
 * names errno 95 ENOTSUP).
 */
export function psiUnavailable(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return isNotFound(err) || code === 'ENOTSUP' || code === 'EOPNOTSUPP';
}

// Deepest folder walked below a job: v1 step_N then task_N; v2 step_N, user, task_N.
const MAX_DEPTH = 3;
/** Bound of one `cgroup.procs` read: ~140,000 PIDs, far above the tasks of one step. */
const PROCS_MAX_BYTES = 1024 * 1024;

/** PIDs of every step and task folder below the job folder (job level is empty on both versions). */
function readPids(jobDir: string): number[] {
  const pids = new Set<number>();
  walkJob(jobDir, (dir, depth) => {
    if (depth === 0) return;
    const path = join(dir, 'cgroup.procs');
    for (const p of parsePidList(readText(path, PROCS_MAX_BYTES), path)) pids.add(p);
  });
  return [...pids].sort((a, b) => a - b);
}

/**
 * v1 OOM kills of the job: the sum of `oom_kill` over the job's memory folder and every step and
 * task folder below it. cgroup v1 counts a kill only in the victim's own memcg (memcontrol.c,
 * memcg_memory_event: no propagation to parents off the default hierarchy; seen on the local
 * cluster: `step_0/task_0` 1, `step_0` 0, job 0), so the job level alone reads 0. A step's kills
 * leave with its folder when it ends. Undefined when the kernel has no `oom_kill` line (before 4.13).
 */
function readOomKillsV1(jobDir: string): number | undefined {
  let total: number | undefined;
  walkJob(jobDir, (dir) => {
    const path = `${dir}/memory.oom_control`;
    const kills = parseOomKills(readText(path), path);
    if (kills !== undefined) total = (total ?? 0) + kills;
  });
  return total;
}

/**
 * Calls `visit` on the job folder (depth 0) and every step and task folder below it. A folder
 * below the job that is gone meanwhile (its step ended) is skipped; an error at the job level is
 * thrown (the caller tells a vanished job from a broken one).
 */
function walkJob(jobDir: string, visit: (dir: string, depth: number) => void): void {
  const walk = (dir: string, depth: number): void => {
    let entries;
    try {
      entries = listDir(dir) ?? [];
      visit(dir, depth);
    } catch (err) {
      // A step that ends while we walk it is normal; the job itself is checked by the other reads.
      if (depth > 0 && isNotFound(err)) return;
      throw err;
    }
    if (depth === MAX_DEPTH) return;
    for (const e of entries) if (e.isDirectory()) walk(join(dir, e.name), depth + 1);
  };
  walk(jobDir, 0);
}
