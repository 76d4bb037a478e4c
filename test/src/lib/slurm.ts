import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { runCommand } from '@slurmscope/common';
import { loadStack, slurmEnv, type Stack } from './stack.js';
import { waitFor } from './wait.js';

/** A batch job to submit. `mem` is required: no test or demo job may take a node's whole memory. */
export interface JobSpec {
  /** Memory per node, sbatch syntax ("100M"). */
  readonly mem: string;
  /** A whole batch script (with its #! line); or `wrap`. */
  readonly script?: string;
  /** A command line for `sbatch --wrap`. */
  readonly wrap?: string;
  readonly nodes?: number;
  readonly ntasks?: number;
  readonly cpusPerTask?: number;
  readonly partition?: string;
  /** Node features, e.g. "n_n1" to pin a job to node n1. */
  readonly constraint?: string;
  /** Explicit node list ("n1,n2"). */
  readonly nodelist?: string;
  readonly name?: string;
  /** Time limit, sbatch syntax ("5:00"). */
  readonly time?: string;
  /** Output file; default `<stack>/jobs/slurm-%j.out`. */
  readonly output?: string;
  /** Anything else, passed to sbatch as is. */
  readonly extraArgs?: readonly string[];
}

/** Slurm job states after which a job never runs again (sacct/squeue spelling). */
export const TERMINAL_STATES: readonly string[] = [
  'COMPLETED',
  'FAILED',
  'CANCELLED',
  'TIMEOUT',
  'NODE_FAIL',
  'OUT_OF_MEMORY',
  'BOOT_FAIL',
  'DEADLINE',
  'PREEMPTED',
];

/** Runs a Slurm client command (squeue, sacct, scontrol ...) against the stack; returns stdout. */
export async function runSlurm(
  command: string,
  args: readonly string[],
  stack: Stack = loadStack(),
  input?: string,
): Promise<string> {
  const result = await runCommand(command, args, {
    timeoutMs: 20_000,
    env: slurmEnv(stack),
    ...(input === undefined ? {} : { input }),
  });
  return result.stdout;
}

/** sbatch arguments for a job spec (pure; exported for its test). */
export function sbatchArgs(spec: JobSpec, defaultOutput: string): string[] {
  if ((spec.script === undefined) === (spec.wrap === undefined))
    throw new Error('a job needs exactly one of script, wrap');
  const args = ['--parsable', `--mem=${spec.mem}`, `--output=${spec.output ?? defaultOutput}`];
  const opt = (flag: string, value: string | number | undefined): void => {
    if (value !== undefined) args.push(`--${flag}=${value}`);
  };
  opt('nodes', spec.nodes);
  opt('ntasks', spec.ntasks);
  opt('cpus-per-task', spec.cpusPerTask);
  opt('partition', spec.partition);
  opt('constraint', spec.constraint);
  opt('nodelist', spec.nodelist);
  opt('job-name', spec.name);
  opt('time', spec.time);
  args.push(...(spec.extraArgs ?? []));
  if (spec.wrap !== undefined) args.push(`--wrap=${spec.wrap}`);
  return args;
}

/** Submits a batch job with `sbatch --parsable` and returns its job id. */
export async function submitJob(spec: JobSpec, stack: Stack = loadStack()): Promise<string> {
  const jobsDir = join(stack.dir, 'jobs');
  mkdirSync(jobsDir, { recursive: true });
  const out = await runSlurm('sbatch', sbatchArgs(spec, join(jobsDir, 'slurm-%j.out')), stack, spec.script);
  const id = out.trim().split(';')[0] ?? '';
  if (!/^\d+$/.test(id)) throw new Error(`sbatch printed no job id: ${JSON.stringify(out)}`);
  return id;
}

/** The job's state from squeue (while slurmctld knows it), else from sacct; undefined if neither. */
export async function jobState(jobid: string, stack: Stack = loadStack()): Promise<string | undefined> {
  let fromQueue = '';
  try {
    fromQueue = (await runSlurm('squeue', ['-h', '-t', 'all', '-j', jobid, '-o', '%T'], stack)).trim();
  } catch (err) {
    // squeue exits 1 ("Invalid job id") once slurmctld has purged the job: ask sacct.
    if (!/Invalid job id/i.test((err as Error).message)) throw err;
  }
  if (fromQueue) return fromQueue.split('\n')[0];
  const acct = (await runSlurm('sacct', ['-n', '-X', '-P', '-j', jobid, '-o', 'State'], stack)).trim();
  // sacct writes e.g. "CANCELLED by 0"
  return acct ? acct.split('\n')[0]!.split(' ')[0] : undefined;
}

/**
 * Waits until the job is in one of `states` and returns that state. Fails early when the job
 * reaches a terminal state that is not among them.
 */
export async function waitForJobState(
  jobid: string,
  states: readonly string[],
  timeoutMs: number,
  stack: Stack = loadStack(),
): Promise<string> {
  let last: string | undefined;
  const seen = await waitFor(
    async () => {
      last = await jobState(jobid, stack);
      if (last === undefined) return undefined;
      return states.includes(last) || TERMINAL_STATES.includes(last) ? last : undefined;
    },
    { timeoutMs, intervalMs: 250, what: `job ${jobid} to be ${states.join('|')}` },
  ).catch((err: unknown) => {
    throw new Error(`${(err as Error).message}; last state ${last ?? '(unknown)'}`, { cause: err });
  });
  if (!states.includes(seen)) throw new Error(`job ${jobid} ended ${seen}, not ${states.join('|')}`);
  return seen;
}

/** Cancels a job (a job that already ended is not an error). */
export async function cancelJob(jobid: string, stack: Stack = loadStack()): Promise<void> {
  await runSlurm('scancel', ['--quiet', jobid], stack);
}
