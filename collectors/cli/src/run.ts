import { ConfigError, createLogger, errorMessage, loadConfig, type ConfigKind } from '@slurmscope/common';
import type { AgentConfig, CtldConfig } from '@slurmscope/common';
import type { Logger } from '@slurmscope/model';

/** Exit codes: 0 ok, 1 runtime failure, 2 bad usage or bad configuration. */
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** Bad arguments on the command line: printed as one line, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/**
 * Runs a subcommand body, turning errors into one clear line on stderr and an exit code:
 * ConfigError and UsageError → 2, anything else → 1. Never prints a stack trace for expected errors.
 */
export async function runAction(name: string, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`slurmscope ${name}: config error: ${err.message}\n`);
      process.exit(EXIT_USAGE);
    }
    if (err instanceof UsageError) {
      process.stderr.write(`slurmscope ${name}: ${err.message} (see slurmscope ${name} --help)\n`);
      process.exit(EXIT_USAGE);
    }
    process.stderr.write(`slurmscope ${name}: ${errorMessage(err)}\n`);
    if (process.env.SLURMSCOPE_DEBUG) console.error(err);
    process.exit(EXIT_FAILURE);
  }
}

/** Loads and validates the config of `kind` before anything else, and makes the logger. */
export function setup<K extends ConfigKind>(
  kind: K,
  name: string,
  explicit: string | undefined,
): { config: K extends 'agent' ? AgentConfig : CtldConfig; source: string; log: Logger } {
  const { config, source } = loadConfig(kind, { explicit });
  const log = createLogger({ level: config.log.level, name });
  return { config, source, log };
}

/**
 * Makes SIGINT and SIGTERM exit at once (128 + signal number), through process.exit, so that its
 * 'exit' listeners run: exec.ts kills the process groups of the commands in flight there (they
 * run detached, out of reach of a terminal's Ctrl-C). For one-shot commands.
 */
export function exitOnSignal(): void {
  process.once('SIGINT', () => process.exit(130));
  process.once('SIGTERM', () => process.exit(143));
}

/** An AbortSignal that fires on the first SIGINT or SIGTERM; a second one exits at once. */
export function stopSignal(log: Logger): AbortSignal {
  const ctl = new AbortController();
  const onSignal = (sig: NodeJS.Signals): void => {
    if (ctl.signal.aborted) {
      log.warn({ signal: sig }, 'second signal: exiting without cleanup');
      process.exit(EXIT_FAILURE);
    }
    log.info({ signal: sig }, 'stopping');
    ctl.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return ctl.signal;
}
