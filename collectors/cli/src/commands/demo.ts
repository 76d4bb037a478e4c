import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { runAction } from '../run.js';

/** `slurmscope demo`: the local three-node cluster with agents and ctld (source checkout only). */
export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description(
      'install and start a local 3-node Slurm cluster with agents, ctld and a small workload; Ctrl-C stops it all',
    )
    .option('--state <dir>', "directory for all of the demo cluster's state", '/tmp/slurmscope-demo')
    .option('--no-install', 'do not install missing Debian packages')
    .action((flags: { state: string; install: boolean }) =>
      runAction('demo', async () => {
        const demo = fileURLToPath(new URL('../../../../test/dist/demo.js', import.meta.url));
        if (!existsSync(demo))
          throw new Error(`the demo needs a built source checkout (${demo} is missing; run "npm run build")`);
        const mod = (await import(demo)) as { runDemo(opts: { stateDir: string; install: boolean }): Promise<void> };
        await mod.runDemo({ stateDir: flags.state, install: flags.install });
      }),
    );
}
