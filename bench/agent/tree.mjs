// Generated node trees for the agent benchmark: N Slurm jobs under cgroup v1 or v2, plus the
// online CPU list and an Intel RAPL powercap tree. Every job folder is a copy of a real one from
// the agent's fixtures (collectors/node-agent/testdata/root-v1, root-v2), so the files, their
// sizes and the step/task layout are the kernel's; only job ids, uids, CPU counters and cpusets
// are changed per job so that the jobs differ.
import { cpSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const TESTDATA = fileURLToPath(new URL('../../collectors/node-agent/testdata/', import.meta.url));

/** CPUs of the generated node (sys/devices/system/cpu/online = 0-(CPUS-1)). */
export const CPUS = 128;

/** Where generated trees go: tmpfs (/dev/shm) when the machine has it, else the OS tmpdir. */
export function benchTmpBase() {
  const shm = '/dev/shm';
  return existsSync(shm) ? { dir: shm, kind: 'tmpfs (/dev/shm)' } : { dir: tmpdir(), kind: `${tmpdir()} (not tmpfs)` };
}

/** A fresh temporary directory under the bench base. */
export function makeTmp(prefix) {
  return mkdtempSync(join(benchTmpBase().dir, prefix));
}

// The three v1 controllers Slurm's cgroup/v1 plugin creates and the agent reads.
const V1_CONTROLLERS = ['cpuacct', 'memory', 'cpuset'];
const V1_TEMPLATE = (controller) => join(TESTDATA, 'root-v1/sys/fs/cgroup', controller, 'slurm_n1/uid_1000/job_42');
const V2_TEMPLATE = join(TESTDATA, 'root-v2/sys/fs/cgroup/system.slice/slurmstepd.scope/job_100');

/** Job i's cpuset: two CPUs, wrapping around the node (jobs of a full node overlap, as with oversubscription). */
function cpuset(i) {
  const first = (2 * i) % CPUS;
  return `${first}-${first + 1}\n`;
}

/** Job i's CPU counter in ns: distinct per job, large like a job that ran for hours. */
function cpuNs(i) {
  return 73418200511 + i * 1_000_003_000;
}

function copyCommon(root) {
  // The RAPL tree keeps its links (sys/class/powercap/* -> ../../devices/virtual/powercap/...).
  const rapl = join(TESTDATA, 'root-rapl-intel');
  cpSync(join(rapl, 'sys'), join(root, 'sys'), { recursive: true, verbatimSymlinks: true });
  cpSync(join(rapl, 'proc'), join(root, 'proc'), { recursive: true, verbatimSymlinks: true });
  mkdirSync(join(root, 'sys/devices/system/cpu'), { recursive: true });
  writeFileSync(join(root, 'sys/devices/system/cpu/online'), `0-${CPUS - 1}\n`);
}

function generateV1(root, node, jobs) {
  const cg = join(root, 'sys/fs/cgroup');
  // The v1 mount also has the (empty) unified hierarchy, as on the fixture and a real v1 node.
  cpSync(join(TESTDATA, 'root-v1/sys/fs/cgroup/unified'), join(cg, 'unified'), { recursive: true });
  for (const controller of V1_CONTROLLERS) {
    const base = join(cg, controller, `slurm_${node}`);
    mkdirSync(base, { recursive: true });
    for (const f of ['cgroup.procs', 'tasks']) writeFileSync(join(base, f), '');
    for (let i = 0; i < jobs; i++) {
      const uid = 1000 + (i % 8); // eight users
      const dir = join(base, `uid_${uid}`, `job_${1000 + i}`);
      cpSync(V1_TEMPLATE(controller), dir, { recursive: true });
      if (controller === 'cpuacct') writeFileSync(join(dir, 'cpuacct.usage'), `${cpuNs(i)}\n`);
      if (controller === 'cpuset') {
        writeFileSync(join(dir, 'cpuset.cpus'), cpuset(i));
        writeFileSync(join(dir, 'cpuset.effective_cpus'), cpuset(i));
      }
    }
  }
}

function generateV2(root, jobs) {
  const cg = join(root, 'sys/fs/cgroup');
  const fixture = join(TESTDATA, 'root-v2/sys/fs/cgroup');
  mkdirSync(cg, { recursive: true });
  for (const f of ['cgroup.controllers', 'cpu.stat']) cpSync(join(fixture, f), join(cg, f));
  const scope = join(cg, 'system.slice/slurmstepd.scope');
  mkdirSync(scope, { recursive: true });
  for (const f of ['cgroup.controllers', 'cgroup.procs'])
    cpSync(join(fixture, 'system.slice/slurmstepd.scope', f), join(scope, f));
  for (let i = 0; i < jobs; i++) {
    const dir = join(scope, `job_${1000 + i}`);
    cpSync(V2_TEMPLATE, dir, { recursive: true });
    const usec = Math.floor(cpuNs(i) / 1000);
    writeFileSync(
      join(dir, 'cpu.stat'),
      `usage_usec ${usec}\nuser_usec ${Math.floor(usec * 0.95)}\nsystem_usec ${usec - Math.floor(usec * 0.95)}\n` +
        'core_sched.force_idle_usec 0\nnr_periods 0\nnr_throttled 0\nthrottled_usec 0\nnr_bursts 0\nburst_usec 0\n',
    );
    writeFileSync(join(dir, 'cpuset.cpus'), cpuset(i));
    writeFileSync(join(dir, 'cpuset.cpus.effective'), cpuset(i));
  }
}

/**
 * Writes a node root with `jobs` jobs under cgroup `version` (1 or 2) for node `node` into `root`
 * (which must not exist yet or be empty) and returns it.
 */
export function generateTree({ root, version, jobs, node = 'n1' }) {
  mkdirSync(root, { recursive: true });
  copyCommon(root);
  if (version === 1) generateV1(root, node, jobs);
  else if (version === 2) generateV2(root, jobs);
  else throw new Error(`cgroup version must be 1 or 2, got ${version}`);
  return root;
}
