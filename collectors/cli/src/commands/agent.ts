import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { parseDuration } from '@slurmscope/common';
import { openOutputs, prometheusPort } from '../outputs.js';
import { runAction, setup, stopSignal, UsageError } from '../run.js';

interface AgentFlags {
  config?: string;
  once?: boolean;
  root?: string;
  node?: string;
  nvidiaSmi?: string;
  calibrate?: boolean;
  calibrateFor: string;
}

/**
 * Bounds of `--calibrate-for`: shorter measurements are noise (RAPL's energy unit and the idle
 * floor's jitter), longer ones keep a drained node idle for nothing (two measurements per run).
 */
const CALIBRATE_MIN = '5s';
const CALIBRATE_MAX = '10m';

/** `--calibrate-for` in ms; out of range or unparsable is a usage error naming the flag (exit 2), as config bounds are. */
function calibrateForMs(text: string): number {
  let ms: number;
  try {
    ms = parseDuration(text);
  } catch (err) {
    throw new UsageError(`--calibrate-for: ${(err as Error).message}`);
  }
  if (ms < parseDuration(CALIBRATE_MIN) || ms > parseDuration(CALIBRATE_MAX))
    throw new UsageError(`--calibrate-for: must be between ${CALIBRATE_MIN} and ${CALIBRATE_MAX}, not ${text}`);
  return ms;
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
    .option(
      '--calibrate',
      'measure idle RAPL power at full clock and at the throttle floor (drained node, agent stopped), save it, exit',
    )
    .option(
      '--calibrate-for <duration>',
      `length of each calibration measurement (${CALIBRATE_MIN} to ${CALIBRATE_MAX})`,
      '30s',
    )
    .action((flags: AgentFlags) =>
      runAction('agent', async () => {
        // Loaded here, not at start-up: each daemon carries only its own code.
        const { calibrateNode, runAgent, sampleOnce } = await import('@slurmscope/node-agent');
        const { config, source, log } = setup('agent', 'agent', flags.config);
        const opts = {
          config,
          log,
          root: flags.root ?? config.root,
          node: flags.node ?? config.node ?? hostname().split('.')[0]!,
          nvidiaSmi:
            config.gpu.mode === 'off' && !flags.nvidiaSmi ? undefined : (flags.nvidiaSmi ?? config.gpu.nvidiaSmi),
        };
        if (flags.once && flags.calibrate) throw new UsageError('--once and --calibrate exclude each other');
        if (flags.calibrate) {
          const durationMs = calibrateForMs(flags.calibrateFor);
          const c = await calibrateNode({ config, root: opts.root, node: opts.node, log, durationMs });
          process.stdout.write(`${JSON.stringify(c, null, 2)}\n`);
          return;
        }
        if (flags.once) {
          process.stdout.write(await sampleOnce({ ...opts, exposition: await prometheusPort(log) }));
          return;
        }
        log.info({ config: source, node: opts.node, root: opts.root }, 'configuration loaded');
        const outputs = await openOutputs({
          influxdb: config.influxdb,
          defaultSpoolDir: join(config.stateDir, 'spool'),
          log,
        });
        await runAgent({ ...opts, ...outputs }, stopSignal(log));
      }),
    );
}
