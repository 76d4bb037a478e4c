import type { Command } from 'commander';
import { runAction, setup, UsageError } from '../run.js';

/** `slurmscope hook prolog|epilog`: Slurm's Prolog/Epilog, talking to the local agent. */
export function registerHook(program: Command): void {
  program
    .command('hook')
    .description('Slurm Prolog/Epilog hook: restore CPU clocks before a job, tell the agent when it ends')
    .argument('<which>', 'prolog or epilog')
    .option(
      '-c, --config <file>',
      'agent config file (else $SLURMSCOPE_CONFIG, else /etc/slurmscope/agent.yaml, else defaults)',
    )
    .option('--root <dir>', 'filesystem root for /sys (default: config "root", "/")')
    .addHelpText(
      'after',
      "\nThe job is read from Slurm's environment (SLURM_JOB_ID, SLURMD_NODENAME, ...).\nA hook never fails a job because the agent is missing: it exits 0 unless its config is bad.",
    )
    .action((which: string, flags: { config?: string; root?: string }) =>
      runAction('hook', async () => {
        if (which !== 'prolog' && which !== 'epilog')
          throw new UsageError(`unknown hook "${which}" (prolog or epilog)`);
        const { log } = setup('agent', `hook-${which}`, flags.config);
        log.debug({ job: process.env.SLURM_JOB_ID }, `${which}: nothing to do yet`);
      }),
    );
}
