import { hostname } from 'node:os';
import type { Command } from 'commander';
import { runAgent, sampleOnce } from '@slurmscope/node-agent';
import { runAction, setup, stopSignal } from '../run.js';

interface AgentFlags {
  config?: string;
  once?: boolean;
  root?: string;
  node?: string;
  nvidiaSmi?: string;
}

/** `slurmscope agent`: the node agent (daemon, or one sample with --once). */
export function registerAgent(program: Command): void {
  program
    .command('agent')
    .description('measure the Slurm jobs on this node (run as root on every compute node)')
    .option(
      '-c, --config <file>',
      'agent config file (else $SLURMSCOPE_CONFIG, else /etc/slurmscope/agent.yaml, else defaults)',
    )
    .option('--once', 'take one sample, print Prometheus text to stdout and exit; writes no state')
    .option('--root <dir>', 'read /sys and /proc under this directory (default: config "root", "/")')
    .option('--node <name>', 'Slurm node name to measure (default: config "node", else the short hostname)')
    .option('--nvidia-smi <path>', 'nvidia-smi executable (default: config "gpu.nvidiaSmi")')
    .action((flags: AgentFlags) =>
      runAction('agent', async () => {
        const { config, source, log } = setup('agent', 'agent', flags.config);
        const opts = {
          config,
          log,
          root: flags.root ?? config.root,
          node: flags.node ?? config.node ?? hostname().split('.')[0]!,
          nvidiaSmi:
            config.gpu.mode === 'off' && !flags.nvidiaSmi ? undefined : (flags.nvidiaSmi ?? config.gpu.nvidiaSmi),
        };
        if (flags.once) {
          process.stdout.write(await sampleOnce(opts));
          return;
        }
        log.info({ config: source, node: opts.node, root: opts.root }, 'configuration loaded');
        await runAgent(opts, stopSignal(log));
      }),
    );
}
