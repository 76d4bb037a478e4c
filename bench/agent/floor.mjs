// The floor of a sampling cycle: the files one cycle must read and the directories it must list,
// found by walking the tree (not by asking the agent), and a pass that reads exactly those with
// readFileSync/readdirSync and does nothing else. No agent written in Node can read the same
// data for less.
import { readdirSync, readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';

const RAPL_ZONE = /^intel-rapl:\d+(?::\d+)*$/;

function dirs(path) {
  return readdirSync(path, { withFileTypes: true }).filter((e) => e.isDirectory());
}

function v1Files(root, node) {
  const cg = join(root, 'sys/fs/cgroup');
  const base = (controller) => join(cg, controller, `slurm_${node}`);
  const listings = [base('cpuacct')];
  const files = [];
  for (const u of dirs(base('cpuacct')).filter((e) => e.name.startsWith('uid_'))) {
    listings.push(join(base('cpuacct'), u.name));
    for (const j of dirs(join(base('cpuacct'), u.name)).filter((e) => e.name.startsWith('job_'))) {
      const rel = join(u.name, j.name);
      files.push(join(base('cpuacct'), rel, 'cpuacct.usage'));
      files.push(join(base('cpuset'), rel, 'cpuset.cpus'));
      for (const f of [
        'memory.stat',
        'memory.usage_in_bytes',
        'memory.limit_in_bytes',
        'memory.max_usage_in_bytes',
        'memory.oom_control',
      ])
        files.push(join(base('memory'), rel, f));
    }
  }
  return { listings, files };
}

function v2Files(root) {
  const scope = join(root, 'sys/fs/cgroup/system.slice/slurmstepd.scope');
  const files = [];
  for (const j of dirs(scope).filter((e) => e.name.startsWith('job_'))) {
    const dir = join(scope, j.name);
    const present = new Set(readdirSync(dir));
    for (const f of [
      'cpu.stat',
      'cpuset.cpus.effective',
      'memory.stat',
      'memory.current',
      'memory.max',
      'memory.peak',
      'memory.events',
      'memory.pressure',
    ])
      if (present.has(f)) files.push(join(dir, f));
  }
  return { listings: [scope], files };
}

function raplFiles(root) {
  const cls = join(root, 'sys/class/powercap');
  const zones = new Set();
  for (const name of readdirSync(cls).filter((n) => RAPL_ZONE.test(n))) zones.add(realpathSync(join(cls, name)));
  return [...zones].map((z) => join(z, 'energy_uj'));
}

/**
 * What one cycle has to read under `root`: `files` (job cgroup files, then RAPL counters) and
 * `listings` (the directories that enumerate the jobs), for cgroup `version` 1 or 2.
 */
export function floorInputs({ root, version, node = 'n1' }) {
  const jobs = version === 1 ? v1Files(root, node) : v2Files(root);
  return { listings: jobs.listings, files: [...jobs.files, ...raplFiles(root)] };
}

/** One floor pass: list the job directories and read every file as text; returns the bytes read. */
export function floorPass({ listings, files }) {
  let bytes = 0;
  for (const d of listings) bytes += readdirSync(d, { withFileTypes: true }).length;
  for (const f of files) bytes += readFileSync(f, 'utf8').length;
  return bytes;
}
