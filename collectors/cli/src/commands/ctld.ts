import { join } from 'node:path';
import type { Command } from 'commander';
import { openOutputs, prometheusPort } from '../outputs.js';
import { exitOnSignal, runAction, setup, stopSignal } from '../run.js';

/** `slurmscope ctld`: the cluster collector on the slurmctld host. */
export function registerCtld(program: Command): void {
  program
    .command('ctld')
    .description('poll Slurm, serve availability, webjobs and job reports (run once per cluster)')
    .option(
      '-c, --config <file>',
      'ctld config file (else $SLURMSCOPE_CONFIG, else /etc/slurmscope/ctld.yaml, else defaults)',
    )
    .option(
      '--once',
      'poll Slurm once (commands on PATH, SLURM_CONF from the environment), print Prometheus text, exit',
    )
    .action((flags: { config?: string; once?: boolean }) =>
      runAction('ctld', async () => {
        // Loaded here, not at start-up: each daemon carries only its own code.
        const { pollOnce, runCtld } = await import('@slurmscope/ctld');
        const { config, source, log } = setup('ctld', 'ctld', flags.config);
        if (flags.once) {
          exitOnSignal();
          process.stdout.write(await pollOnce({ config, log, exposition: await prometheusPort(log) }));
          return;
        }
        log.info({ config: source }, 'configuration loaded');
        // The spool is a sibling of ctld's other state, apart from the report archive (reports.dir).
        const outputs = await openOutputs({
          influxdb: config.influxdb,
          defaultSpoolDir: join(config.stateDir, 'ctld-spool'),
          log,
        });
        await runCtld({ config, log, ...outputs }, stopSignal(log));
      }),
    );
}
