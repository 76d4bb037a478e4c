import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { isNotFound } from '@slurmscope/common';

/** Largest batch script sent to ctld (Slurm's own default limit is 4 MB). */
const MAX_SCRIPT_BYTES = 4 * 1024 * 1024;

/**
 * Reads a running job's batch script from slurmd's spool (`<spool>/job<id, 5 digits>/slurm_script`,
 * present on the batch node only, while the job runs). `%n` in the spool path is the node name.
 * Returns undefined when this node has none (not the batch node, or the job just ended).
 */
export async function readBatchScript(opts: {
  root: string;
  spoolDir: string;
  node: string;
  jobid: string;
}): Promise<string | undefined> {
  const spool = opts.spoolDir.replaceAll('%n', opts.node);
  const path = join(opts.root, spool, `job${opts.jobid.padStart(5, '0')}`, 'slurm_script');
  let fh;
  try {
    fh = await open(path, 'r');
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
  try {
    const { size } = await fh.stat();
    if (size > MAX_SCRIPT_BYTES)
      throw new Error(`${path}: batch script of ${size} bytes exceeds ${MAX_SCRIPT_BYTES}, not sent`);
    return await fh.readFile('utf8');
  } finally {
    await fh.close();
  }
}
