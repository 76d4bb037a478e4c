import { pino, destination } from 'pino';
import type { Logger } from '@slurmscope/model';

/** Options of the process logger. */
export interface LoggerOptions {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  /** Component name written in every line ("agent", "ctld", "hook"). */
  readonly name: string;
}

/**
 * The process logger: JSON lines on stderr (stdout stays free for `--once` output), one object
 * per event. Secrets never reach it: tokens are read from files and never logged.
 */
export function createLogger(opts: LoggerOptions): Logger {
  return pino({ level: opts.level, name: opts.name, base: { pid: process.pid } }, destination({ fd: 2, sync: true }));
}
