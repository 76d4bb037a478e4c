// The demo's simulated RAPL: these machines have no powercap tree, so the demo gives each agent a
// root (its `--root`) where /proc, /sys/fs/cgroup and /sys/devices/system/cpu are links to the real
// ones and sys/class/powercap holds one package zone whose counter this process advances by
// IDLE_WATTS + CPU_WATTS x the CPUs the node's Slurm jobs used (the node's cgroup CPU counter).
// The zone folder holds a SIMULATED file. Demo only: never in a real agent config.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Power of a simulated node with no job running (W). */
export const IDLE_WATTS = 30;
/** Power added per CPU that the node's jobs keep busy (W). */
export const CPU_WATTS = 12;
/** The counter's range, as a real package zone states it (µJ); the counter wraps to 0 there. */
export const MAX_ENERGY_RANGE_UJ = 262_143_328_850;
const ZONE = 'sys/devices/virtual/powercap/intel-rapl/intel-rapl:0';

/** The simulated zone's folder under a node's root. */
export function zoneDir(root: string): string {
  return join(root, ZONE);
}

/** Replaces `path` by a link to `target` (idempotent across demo restarts). */
function link(target: string, path: string): void {
  rmSync(path, { force: true });
  symlinkSync(target, path);
}

/**
 * Builds (or refreshes) a node's simulated root: links to the real /proc, cgroup tree and CPU
 * folder, and the package zone (name, max_energy_range_uj, energy_uj kept from a previous run,
 * SIMULATED). Returns the root.
 */
export function buildSimRoot(root: string, cgroupRoot: string): string {
  mkdirSync(join(root, 'sys/fs'), { recursive: true });
  mkdirSync(join(root, 'sys/devices/system'), { recursive: true });
  mkdirSync(join(root, 'sys/class/powercap'), { recursive: true });
  link('/proc', join(root, 'proc'));
  link(cgroupRoot, join(root, 'sys/fs/cgroup'));
  link('/sys/devices/system/cpu', join(root, 'sys/devices/system/cpu'));
  const zone = zoneDir(root);
  mkdirSync(zone, { recursive: true });
  writeFileSync(join(zone, 'name'), 'package-0\n');
  writeFileSync(join(zone, 'max_energy_range_uj'), `${MAX_ENERGY_RANGE_UJ}\n`);
  writeFileSync(
    join(zone, 'SIMULATED'),
    `energy_uj is simulated by slurmscope demo: ${IDLE_WATTS} W + ${CPU_WATTS} W per busy CPU\n`,
  );
  if (!existsSync(join(zone, 'energy_uj'))) writeFileSync(join(zone, 'energy_uj'), '0\n');
  link(`../../devices/virtual/powercap/intel-rapl/intel-rapl:0`, join(root, 'sys/class/powercap/intel-rapl:0'));
  return root;
}

/** CPU time (ns) of `node`'s Slurm jobs from cgroup v1 `cpuacct.usage` or v2 `cpu.stat`; undefined without its cgroup. */
export function readNodeCpuNs(cgroupRoot: string, node: string): number | undefined {
  const v1 = join(cgroupRoot, 'cpuacct', `slurm_${node}`, 'cpuacct.usage');
  const v2 = join(cgroupRoot, 'system.slice', `${node}_slurmstepd.scope`, 'cpu.stat');
  try {
    if (existsSync(v1)) return parseUsage(readFileSync(v1, 'utf8'), 'v1');
    if (existsSync(v2)) return parseUsage(readFileSync(v2, 'utf8'), 'v2');
  } catch (err) {
    // The folder goes when slurmd stops: no jobs, idle power only.
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  return undefined;
}

/** Parses `cpuacct.usage` (ns) or `cpu.stat`'s `usage_usec` into ns. */
export function parseUsage(text: string, kind: 'v1' | 'v2'): number {
  const m = kind === 'v1' ? /^(\d+)\s*$/.exec(text) : /^usage_usec (\d+)$/m.exec(text);
  if (!m) throw new Error(`cannot parse the ${kind} CPU usage ${JSON.stringify(text.slice(0, 80))}`);
  return kind === 'v1' ? Number(m[1]) : Number(m[1]) * 1000;
}

/** The counter after `seconds` at `watts`, wrapped like RAPL's (µJ). */
export function advanceUj(energyUj: number, watts: number, seconds: number): number {
  return Math.round(energyUj + watts * seconds * 1e6) % MAX_ENERGY_RANGE_UJ;
}

/** Simulated power (W) from the CPU time a node's jobs used over `seconds` (a step back, e.g. a new cgroup, counts as idle). */
export function simWatts(prevNs: number | undefined, nowNs: number | undefined, seconds: number): number {
  if (prevNs === undefined || nowNs === undefined || nowNs < prevNs || seconds <= 0) return IDLE_WATTS;
  return IDLE_WATTS + CPU_WATTS * ((nowNs - prevNs) / 1e9 / seconds);
}

/** One node's simulator state. */
interface SimNode {
  readonly node: string;
  readonly zone: string;
  energyUj: number;
  cpuNs: number | undefined;
}

/** Advances every node's counter once per `intervalMs` until SIGTERM/SIGINT. */
function run(cgroupRoot: string, intervalMs: number, roots: Map<string, string>): void {
  const nodes: SimNode[] = [...roots].map(([node, root]) => {
    const zone = zoneDir(buildSimRoot(root, cgroupRoot));
    const energyUj = Number(readFileSync(join(zone, 'energy_uj'), 'utf8').trim()) || 0;
    return { node, zone, energyUj, cpuNs: readNodeCpuNs(cgroupRoot, node) };
  });
  let last = process.hrtime.bigint();
  const tick = (): void => {
    const now = process.hrtime.bigint();
    const seconds = Number(now - last) / 1e9;
    last = now;
    for (const n of nodes) {
      const cpuNs = readNodeCpuNs(cgroupRoot, n.node);
      n.energyUj = advanceUj(n.energyUj, simWatts(n.cpuNs, cpuNs, seconds), seconds);
      n.cpuNs = cpuNs;
      // Written whole and renamed: the agent never reads half a number.
      writeFileSync(join(n.zone, 'energy_uj.tmp'), `${n.energyUj}\n`);
      renameSync(join(n.zone, 'energy_uj.tmp'), join(n.zone, 'energy_uj'));
    }
  };
  const timer = setInterval(tick, intervalMs);
  const stop = (): void => clearInterval(timer);
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  console.log(`rapl-sim: ${[...roots].map(([n, r]) => `${n}=${r}`).join(' ')} every ${intervalMs} ms`);
}

// `node rapl-sim.js <cgroupRoot> <intervalMs> <node>=<root> ...` (started by the demo).
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [cgroupRoot, interval, ...pairs] = process.argv.slice(2);
  const roots = new Map(pairs.map((p) => p.split('=', 2) as [string, string]));
  if (!cgroupRoot || !(Number(interval) > 0) || roots.size === 0) {
    console.error('usage: rapl-sim.js <cgroupRoot> <intervalMs> <node>=<root> ...');
    process.exit(2);
  }
  run(cgroupRoot, Number(interval), roots);
}
