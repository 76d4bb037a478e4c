import { join } from 'node:path';
import { errorMessage, runCommand } from '@slurmscope/common';
import type { CommandRunner } from '../slurm/commands.js';
import { parseSacctRecords, parseSacctScripts, sacctRecordArgs, sacctScriptArgs, type SacctRecord } from './sacct.js';

/** How sacct runs. */
export interface SacctExec {
  readonly binDir?: string;
  readonly timeoutMs: number;
  readonly run?: CommandRunner;
  readonly env?: NodeJS.ProcessEnv;
}

/** What one cycle's sacct calls learned; an error leaves its part undefined. */
export interface SacctAnswer {
  readonly records?: Map<string, SacctRecord>;
  readonly recordError?: string;
  /** Scripts by JobID as sacct prints it (`8_1`, `10+0`, `7`). */
  readonly scripts?: Map<string, string>;
  readonly scriptError?: string;
  /** Commands run (0, 1 or 2): constant per cycle whatever the number of ended jobs. */
  readonly calls: number;
}

/**
 * One cycle's slurmdbd questions: ONE `sacct -P` for the final records (with TotalCPU) of all `jobids`, and
 * ONE `sacct -B` for the scripts of `scriptFor` (display ids) when any job lacks one. Never one
 * call per job. The two run concurrently, each with the Slurm timeout.
 */
export async function askSacct(
  exec: SacctExec,
  jobids: readonly string[],
  scriptFor: readonly { jobid: string; displayId: string }[],
): Promise<SacctAnswer> {
  if (jobids.length === 0) return { calls: 0 };
  const file = exec.binDir === undefined ? 'sacct' : join(exec.binDir, 'sacct');
  const run = exec.run ?? runCommand;
  const opts = { timeoutMs: exec.timeoutMs, maxBytes: 256 * 1024 * 1024, env: exec.env ?? process.env };
  const recordsP = run(file, sacctRecordArgs(jobids), opts).then((r) => parseSacctRecords(r.stdout, `${file} -P`));
  const scriptsP =
    scriptFor.length === 0
      ? undefined
      : run(file, sacctScriptArgs(scriptFor.map((s) => s.jobid)), opts).then((r) =>
          parseSacctScripts(r.stdout, new Set(scriptFor.map((s) => s.displayId))),
        );
  const [rec, scr] = await Promise.allSettled([recordsP, scriptsP ?? Promise.resolve(undefined)]);
  return {
    calls: scriptsP === undefined ? 1 : 2,
    ...(rec.status === 'fulfilled' ? { records: rec.value } : { recordError: errorMessage(rec.reason) }),
    ...(scr.status === 'fulfilled'
      ? scr.value === undefined
        ? {}
        : { scripts: scr.value }
      : { scriptError: errorMessage(scr.reason) }),
  };
}
