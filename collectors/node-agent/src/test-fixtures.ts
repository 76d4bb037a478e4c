import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MetricFamily } from '@slurmscope/model';
import { parseComputeApps, parseGpuQuery } from './collectors/index.js';
import type { GpuSource } from './gpu-source.js';

/*
 * Helpers shared by the agent's sampler and end-to-end tests (not used by the agent itself).
 */

/** The agent's testdata folder. */
export const TESTDATA = fileURLToPath(new URL('../testdata/', import.meta.url));

/** Powercap counters of the fixture node (root-node), relative to its root. */
export const PKG0 = 'sys/devices/virtual/powercap/intel-rapl/intel-rapl:0/energy_uj';
/** DRAM subzone of package 0 of the fixture node. */
export const DRAM0 = 'sys/devices/virtual/powercap/intel-rapl/intel-rapl:0/intel-rapl:0:2/energy_uj';
/** CPU counter of job 42 (uid 1000) on the fixture node. */
export const JOB42 = 'sys/fs/cgroup/cpuacct/slurm_n1/uid_1000/job_42/cpuacct.usage';

/**
 * A writable copy of the fixture node `root-node` in a temporary folder; with `powercap`, its RAPL
 * tree is replaced by that of another fixture (e.g. "root-rapl-multidie").
 */
export function copyNode(powercap?: string): string {
  const root = mkdtempSync(join(tmpdir(), 'agent-node-'));
  cpSync(join(TESTDATA, 'root-node'), root, { recursive: true, verbatimSymlinks: true });
  if (powercap !== undefined) {
    for (const rel of ['sys/class/powercap', 'sys/devices/virtual/powercap']) {
      rmSync(join(root, rel), { recursive: true, force: true });
      cpSync(join(TESTDATA, powercap, rel), join(root, rel), { recursive: true, verbatimSymlinks: true });
    }
  }
  return root;
}

/** Adds `by` to the integer counter file `rel` under `root`. */
export function bump(root: string, rel: string, by: bigint): void {
  const path = join(root, rel);
  writeFileSync(path, `${BigInt(readFileSync(path, 'utf8').trim()) + by}\n`);
}

/** The value of the first sample of family `name` whose labels include `labels`. */
export function valueOf(
  families: readonly MetricFamily[],
  name: string,
  labels: Record<string, string>,
): number | undefined {
  return families
    .find((f) => f.name === name)
    ?.samples.find((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
}

/** A fixed GPU source from the captured four-GPU A100 node (testdata/nvidia-smi/node*.csv). */
export function fixtureGpus(): GpuSource {
  const gpus = parseGpuQuery(readFileSync(join(TESTDATA, 'nvidia-smi/node.csv'), 'utf8'), 'node.csv');
  const apps = parseComputeApps(readFileSync(join(TESTDATA, 'nvidia-smi/node-apps.csv'), 'utf8'), 'node-apps.csv');
  return { gpus: () => gpus, apps: () => apps, takeErrors: () => 0, stop: async () => {} };
}
