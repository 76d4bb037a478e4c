import type { Command } from 'commander';
import { runAction, setup, UsageError } from '../run.js';

interface ReportFlags {
  config?: string;
  json?: boolean;
  compare?: boolean;
}

/** `slurmscope report`: print a job's report from ctld's archive. */
export function registerReport(program: Command): void {
  program
    .command('report')
    .description("print a finished job's report (script, resources, energy, CO2, findings)")
    .argument('[jobids...]', 'job id (raw id, array "1234_5" or het "1234+1"); two ids with --compare')
    .option(
      '-c, --config <file>',
      'ctld config file (else $SLURMSCOPE_CONFIG, else /etc/slurmscope/ctld.yaml, else defaults)',
    )
    .option('--json', 'print the report as JSON')
    .option('--compare', 'set two reports side by side')
    .action((jobids: string[], flags: ReportFlags) =>
      runAction('report', async () => {
        const { config } = setup('ctld', 'report', flags.config);
        const want = flags.compare ? 2 : 1;
        if (jobids.length !== want) {
          throw new UsageError(flags.compare ? '--compare needs exactly two job ids' : 'give exactly one job id');
        }
        throw new Error(`no report archive at ${config.reports.dir} yet (job reports come with ctld)`);
      }),
    );
}
