#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { registerAgent } from './commands/agent.js';
import { registerCtld } from './commands/ctld.js';
import { registerDemo } from './commands/demo.js';
import { registerHook } from './commands/hook.js';
import { registerReport } from './commands/report.js';
import { EXIT_USAGE } from './run.js';

const program = new Command('slurmscope')
  .description('metrics and observability for Slurm clusters')
  .version('0.1.0')
  .showHelpAfterError('(add --help for usage)')
  .exitOverride();

registerAgent(program);
registerCtld(program);
registerReport(program);
registerHook(program);
registerDemo(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    process.exit(err.exitCode === 0 ? 0 : EXIT_USAGE);
  }
  throw err;
}
