import { join } from 'node:path';
import { ParseError, runCommand, type CommandResult, type RunOptions } from '@slurmscope/common';
import { UnsupportedSlurmVersionError } from './parse/json.js';
import { squeueRunningArgs } from './parse/squeue.js';
import { SUPPORTED_SLURM_VERSIONS, type SlurmVersion } from './types.js';

/** The Slurm commands one poll may run, by name. */
export type SlurmCommandName = 'nodes' | 'jobs' | 'partitions' | 'config' | 'sdiag';

/** One command line: binary name (resolved against binDir or PATH) and arguments. */
export interface SlurmCommand {
  readonly bin: string;
  readonly args: readonly string[];
}

/**
 * The command of each poll step for a release. Nodes: 22.05's `sinfo --json` lists nodes (it
 * ignores filters, but is one small record per node); 23.02+ moved that listing to
 * `scontrol show nodes --json`. Jobs: always the text format with explicit fields, filtered to
 * RUNNING,COMPLETING, so the output does not grow with pending jobs. Pending counts come from
 * `sdiag` (one REQUEST_STATS_INFO, constant size) instead of a second full job listing.
 */
export function slurmCommands(version: SlurmVersion): Record<SlurmCommandName, SlurmCommand> {
  return {
    nodes:
      version === '22.05' ? { bin: 'sinfo', args: ['--json'] } : { bin: 'scontrol', args: ['show', 'nodes', '--json'] },
    jobs: { bin: 'squeue', args: squeueRunningArgs() },
    partitions: { bin: 'scontrol', args: ['show', 'partition', '-o'] },
    config: { bin: 'scontrol', args: ['show', 'config'] },
    sdiag: { bin: 'sdiag', args: [] },
  };
}

/**
 * slurmctld RPCs each command costs, measured on Slurm 22.05.8 with sdiag's per-type counters
 * before and after each command (testdata/slurm/22.05/README.md). `scontrol --version` costs none.
 */
export const RPCS_PER_COMMAND: Readonly<Record<SlurmCommandName, Readonly<Record<string, number>>>> = {
  nodes: { REQUEST_NODE_INFO: 1, REQUEST_PARTITION_INFO: 1 },
  jobs: { REQUEST_JOB_INFO: 1, REQUEST_PARTITION_INFO: 1 },
  partitions: { REQUEST_PARTITION_INFO: 1 },
  config: { REQUEST_BUILD_INFO: 1, REQUEST_PING: 1 },
  sdiag: { REQUEST_STATS_INFO: 1 },
};

/** Runs one external command; `runCommand` from @slurmscope/common by default, a fake in tests. */
export type CommandRunner = (file: string, args: readonly string[], opts: RunOptions) => Promise<CommandResult>;

/** Where and how Slurm's commands run. */
export interface SlurmExec {
  /** Directory of the Slurm binaries; PATH when absent. */
  readonly binDir?: string;
  readonly timeoutMs: number;
  /** Largest output accepted per command (default 256 MiB). */
  readonly maxBytes?: number;
  /** Environment (SLURM_CONF is passed through from it); default process.env. */
  readonly env?: NodeJS.ProcessEnv;
  readonly run?: CommandRunner;
}

/** Runs one Slurm command with the exec settings and returns its stdout. */
export async function runSlurm(exec: SlurmExec, cmd: SlurmCommand): Promise<string> {
  const file = exec.binDir === undefined ? cmd.bin : join(exec.binDir, cmd.bin);
  const run = exec.run ?? runCommand;
  const res = await run(file, cmd.args, {
    timeoutMs: exec.timeoutMs,
    maxBytes: exec.maxBytes ?? 256 * 1024 * 1024,
    env: exec.env ?? process.env,
  });
  return res.stdout;
}

const VERSION_TEXT = /(\d+)\.(\d+)\.\d+/;

/** Parses `scontrol --version` ("slurm-wlm 22.05.8", "slurm 24.11.1") into a supported release. */
export function parseVersionText(text: string, source = 'scontrol --version'): SlurmVersion {
  const m = VERSION_TEXT.exec(text);
  if (m?.[1] === undefined || m[2] === undefined) throw new ParseError(source, 'no version number', text);
  const key = `${m[1]}.${m[2].padStart(2, '0')}`;
  const version = SUPPORTED_SLURM_VERSIONS.find((v) => v === key);
  if (version === undefined) throw new UnsupportedSlurmVersionError(source, m[0]);
  return version;
}
