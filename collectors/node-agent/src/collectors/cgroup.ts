import { join } from 'node:path';
import { isNotFound } from '@slurmscope/common';
import { parseJobDirName, parseUidDirName } from '../parse/cgroup.js';
import { exists, listDir } from './fs.js';

/**
 * Finding the Slurm jobs of one node in the cgroup tree, without asking Slurm.
 *
 * cgroup v2 (Slurm cgroup/v2): `sys/fs/cgroup/system.slice/slurmstepd.scope/job_<id>/step_<s>/…`,
 * or `system.slice/<node>_slurmstepd.scope/…` when slurmd is built for several daemons per host.
 * cgroup v1 (Slurm cgroup/v1): `sys/fs/cgroup/<controller>/slurm/uid_<uid>/job_<id>/step_<s>/task_<t>`,
 * or `slurm_<node>/…` on multiple-slurmd builds (Debian's). The node-named tree wins when it exists.
 * v1 controllers read: cpuacct, memory, cpuset (Slurm makes no `cpu` controller directory).
 * Slurm 26.05 may name job folders by SLUID instead of job id: those are returned in `sluids`.
 */

/** cgroup hierarchy version of the node. */
export type CgroupVersion = 1 | 2;

/** A job's cgroup directories (absolute paths). On v2 all three are the same directory. */
export interface JobCgroup {
  readonly jobid: string;
  readonly version: CgroupVersion;
  /** From the v1 `uid_<uid>` folder; undefined on v2 (Slurm's v2 folders are root-owned). */
  readonly uid?: number;
  /** Directory holding the CPU counter (v1 cpuacct, v2 the job dir). */
  readonly cpuDir: string;
  /** Directory holding memory files; absent when the node has no Slurm memory tree (v1). */
  readonly memoryDir?: string;
  /** Directory holding the cpuset; absent when the node has no Slurm cpuset tree (v1). */
  readonly cpusetDir?: string;
}

/** The result of one discovery pass. */
export interface JobDiscovery {
  /** Undefined when the root has no cgroup file system at all. */
  readonly version?: CgroupVersion;
  readonly jobs: JobCgroup[];
  /** Names of job folders named by SLUID (not a job id): log them once, do not label them. */
  readonly sluids: string[];
}

/** Options of discovery: the filesystem root (`/` in production) and the Slurm node name. */
export interface DiscoverOptions {
  readonly root: string;
  readonly node: string;
}

/** Tells cgroup v2 (`cgroup.controllers` at the mount root) from v1 (controller directories). */
export function detectCgroupVersion(root: string): CgroupVersion | undefined {
  const base = join(root, 'sys/fs/cgroup');
  if (exists(join(base, 'cgroup.controllers'))) return 2;
  if (exists(join(base, 'cpuacct')) || exists(join(base, 'memory'))) return 1;
  return undefined;
}

/** Lists the Slurm jobs of `node` from the cgroup tree under `root`. */
export function discoverJobs(opts: DiscoverOptions): JobDiscovery {
  const version = detectCgroupVersion(opts.root);
  if (version === 2) return { version, ...discoverV2(opts) };
  if (version === 1) return { version, ...discoverV1(opts) };
  return { jobs: [], sluids: [] };
}

/** The first of the candidate directories that exists. */
function pickBase(candidates: readonly string[]): string | undefined {
  return candidates.find((c) => exists(c));
}

function discoverV2(opts: DiscoverOptions): { jobs: JobCgroup[]; sluids: string[] } {
  const slice = join(opts.root, 'sys/fs/cgroup/system.slice');
  const base = pickBase([join(slice, `${opts.node}_slurmstepd.scope`), join(slice, 'slurmstepd.scope')]);
  const jobs: JobCgroup[] = [];
  const sluids: string[] = [];
  for (const entry of (base && listDir(base)) || []) {
    if (!entry.isDirectory()) continue;
    const name = parseJobDirName(entry.name);
    if (name?.kind === 'sluid') sluids.push(name.sluid);
    if (name?.kind !== 'jobid') continue;
    const dir = `${base as string}/${entry.name}`; // base is normalized; join per job per cycle is waste
    jobs.push({ jobid: name.jobid, version: 2, cpuDir: dir, memoryDir: dir, cpusetDir: dir });
  }
  return { jobs, sluids };
}

/** The Slurm base directory of one v1 controller, node-named tree first. */
function v1Base(root: string, controller: string, node: string): string | undefined {
  const dir = join(root, 'sys/fs/cgroup', controller);
  return pickBase([join(dir, `slurm_${node}`), join(dir, 'slurm')]);
}

function discoverV1(opts: DiscoverOptions): { jobs: JobCgroup[]; sluids: string[] } {
  const cpuBase = v1Base(opts.root, 'cpuacct', opts.node);
  const memBase = v1Base(opts.root, 'memory', opts.node);
  const setBase = v1Base(opts.root, 'cpuset', opts.node);
  const jobs: JobCgroup[] = [];
  const sluids: string[] = [];
  // Jobs are listed from cpuacct: without it there is no CPU counter to report for them.
  const listBase = cpuBase;
  if (listBase === undefined) return { jobs, sluids };
  for (const u of listDir(listBase) ?? []) {
    const uid = u.isDirectory() ? parseUidDirName(u.name) : undefined;
    if (uid === undefined) continue;
    let entries;
    try {
      entries = listDir(join(listBase, u.name)) ?? [];
    } catch (err) {
      // A uid folder removed between the two listings (its last job ended) is normal.
      if (isNotFound(err)) continue;
      throw err;
    }
    for (const entry of entries) {
      const name = entry.isDirectory() ? parseJobDirName(entry.name) : undefined;
      if (name?.kind === 'sluid') sluids.push(name.sluid);
      if (name?.kind !== 'jobid') continue;
      const rel = join(u.name, entry.name);
      jobs.push({
        jobid: name.jobid,
        version: 1,
        uid,
        cpuDir: join(listBase, rel),
        ...(memBase === undefined ? {} : { memoryDir: join(memBase, rel) }),
        ...(setBase === undefined ? {} : { cpusetDir: join(setBase, rel) }),
      });
    }
  }
  return { jobs, sluids };
}
