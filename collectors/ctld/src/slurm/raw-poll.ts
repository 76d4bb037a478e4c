import { runSlurm, type SlurmCommand, type SlurmCommandName, type SlurmExec } from './commands.js';
import type { RawPoll } from './snapshot.js';
import type { SlurmConfig } from './types.js';

/** One poll's commands, as the poller decided them: what {@link readRawPoll} runs. */
export interface PollPlan {
  readonly timestampMs: number;
  /** The command of each step; `config` only on polls that read it. */
  readonly commands: Readonly<Record<Exclude<SlurmCommandName, 'config'>, SlurmCommand>> & {
    readonly config?: SlurmCommand;
  };
  /** The configuration read by an earlier poll, for polls without `config`. */
  readonly previousConfig?: SlurmConfig;
}

/** Runs a plan's commands (at once) and returns their outputs as a {@link RawPoll}. */
export async function readRawPoll(exec: SlurmExec, plan: PollPlan): Promise<RawPoll> {
  const c = plan.commands;
  const [nodesJson, jobs, partitions, sdiag, config] = await Promise.all([
    runSlurm(exec, c.nodes),
    runSlurm(exec, c.jobs),
    runSlurm(exec, c.partitions),
    runSlurm(exec, c.sdiag),
    c.config === undefined ? undefined : runSlurm(exec, c.config),
  ]);
  return {
    timestampMs: plan.timestampMs,
    nodesJson,
    jobs,
    jobsFormat: 'squeue-text',
    partitions,
    sdiag,
    ...(config === undefined ? {} : { config }),
    ...(plan.previousConfig === undefined ? {} : { previousConfig: plan.previousConfig }),
  };
}
