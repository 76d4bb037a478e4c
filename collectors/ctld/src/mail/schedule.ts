import cron from 'node-cron';
import { ConfigError } from '@slurmscope/common';

/** A scheduled run (digests, the weekly summary). */
export interface ScheduledRun {
  /** When it runs next (ms since epoch); undefined when unknown. */
  nextRunMs(): number | undefined;
  stop(): void;
}

/**
 * Runs `fn` at each time of a cron expression in a time zone; node-cron by default, a test's
 * hand-driven clock otherwise.
 */
export type Scheduler = (expression: string, timeZone: string | undefined, fn: () => void) => ScheduledRun;

/** The node-cron scheduler: `timezone` set, timers unref'd (ctld's own loop keeps it alive). */
export const cronScheduler: Scheduler = (expression, timeZone, fn) => {
  const task = cron.schedule(expression, () => fn(), {
    ...(timeZone === undefined ? {} : { timezone: timeZone }),
    name: `slurmscope mail ${expression}`,
    noOverlap: true,
    unref: true,
  });
  return {
    nextRunMs: () => task.getNextRun()?.getTime(),
    stop: () => void task.destroy(),
  };
};

/** Throws a ConfigError naming `key` unless `expression` is a cron expression node-cron accepts. */
export function validateCron(expression: string, key: string): void {
  if (!cron.validate(expression)) {
    const detail = cron.validateDetailed(expression).errors.map((e) => `${e.field}: ${e.message}`);
    throw new ConfigError(
      '(config)',
      key,
      `"${expression}" is not a cron expression (minute hour day-of-month month day-of-week${
        detail.length > 0 ? `; ${detail.join('; ')}` : ''
      })`,
    );
  }
}

/** Throws a ConfigError naming `smtp.timeZone` unless it is an IANA time zone this Node knows. */
export function validateTimeZone(timeZone: string | undefined): void {
  if (timeZone === undefined) return;
  try {
    new Intl.DateTimeFormat('en', { timeZone });
  } catch {
    // RangeError is the only thing DateTimeFormat throws for a zone; the message names none.
    throw new ConfigError(
      '(config)',
      'smtp.timeZone',
      `"${timeZone}" is not a known IANA time zone (e.g. Europe/Berlin)`,
    );
  }
}
