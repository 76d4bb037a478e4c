import { join } from 'node:path';
import { runCommand } from '@slurmscope/common';
import {
  computeAppsArgs,
  gpuQueryArgs,
  parseComputeApps,
  parseGpuQuery,
  parseNvidiaInformation,
  type ComputeApp,
  type GpuReading,
  type NvidiaGpuInfo,
} from '../parse/nvidia-smi.js';
import { listDir, readText } from './fs.js';

/** One-shot nvidia-smi queries (each with a timeout) and the driver's per-GPU files. */

/** One-shot GPU query with a timeout (for `--once`, where no monitor runs). */
export async function queryGpusOnce(
  command: string,
  timeoutMs: number,
  env?: NodeJS.ProcessEnv,
): Promise<GpuReading[]> {
  const args = gpuQueryArgs();
  const r = await runCommand(command, args, { timeoutMs, maxBytes: 1024 * 1024, ...(env ? { env } : {}) });
  return parseGpuQuery(r.stdout, `${command} ${args.join(' ')}`);
}

/** One-shot compute-apps query with a timeout. */
export async function queryComputeAppsOnce(
  command: string,
  timeoutMs: number,
  env?: NodeJS.ProcessEnv,
): Promise<ComputeApp[]> {
  const args = computeAppsArgs();
  const r = await runCommand(command, args, { timeoutMs, maxBytes: 1024 * 1024, ...(env ? { env } : {}) });
  return parseComputeApps(r.stdout, `${command} ${args.join(' ')}`);
}

/**
 * Reads the driver's per-GPU files `proc/driver/nvidia/gpus/<bus>/information` under `root`: the
 * device minor number of each GPU (what Slurm numbers GPUs by), with its canonical PCI address.
 * No driver folder: no entries, no error. A malformed file is returned in `errors`.
 */
export function readNvidiaGpuInfo(root: string): { infos: NvidiaGpuInfo[]; errors: Error[] } {
  const dir = join(root, 'proc/driver/nvidia/gpus');
  const infos: NvidiaGpuInfo[] = [];
  const errors: Error[] = [];
  for (const e of listDir(dir) ?? []) {
    const path = join(dir, e.name, 'information');
    try {
      const info = parseNvidiaInformation(readText(path), path);
      infos.push(info.pciBusId === undefined ? { ...info, pciBusId: e.name.toLowerCase() } : info);
    } catch (err) {
      errors.push(err instanceof Error ? err : new Error(String(err)));
    }
  }
  return { infos, errors };
}
