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
      [
        '',
        "The job is read from Slurm's environment (SLURM_JOB_ID, SLURMD_NODENAME, ...). In slurm.conf:",
        '  Prolog=/usr/local/sbin/slurmscope-prolog   (a script: exec slurmscope hook prolog --config ...)',
        '  Epilog=/usr/local/sbin/slurmscope-epilog',
        'The prolog returns within 1 s. When the agent is down, the prolog restores the clocks itself',
        'and the epilog does nothing: a hook never fails or slows a job (exit 0 unless its config is bad).',
      ].join('\n'),
    )
    .action((which: string, flags: { config?: string; root?: string }) =>
      runAction('hook', async () => {
        // Loaded here, not at start-up: each daemon carries only its own code.
        const { runHook } = await import('@slurmscope/node-agent');
        const { config, log } = setup('agent', `hook-${which}`, flags.config);
        if (which !== 'prolog' && which !== 'epilog')
          throw new UsageError(`unknown hook "${which}" (prolog or epilog)`);
        process.exitCode = await runHook(which, { config, root: flags.root ?? config.root, env: process.env, log });
      }),
    );
}
