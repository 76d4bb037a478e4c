import { join } from 'node:path';
import type { CtldConfig } from '@slurmscope/common';
import type { FamilyDesc, Logger, MetricFamily } from '@slurmscope/model';
import type { FindingMailPort } from '../inspector/types.js';
import { MAIL_FAMILIES } from '../metrics.js';
import type { CommandRunner } from '../slurm/commands.js';
import { AddressBook } from './address.js';
import { makeDeliver, messageIdHost, smtpTransport, type MailTransport } from './deliver.js';
import { MailQueue } from './queue.js';
import { cronScheduler, validateCron, validateTimeZone, type Scheduler } from './schedule.js';
import { FindingMailer, type MailCounters } from './service.js';
import { MailStateFile } from './state.js';
import { loadTemplates } from './templates.js';

/** The mail service ctld runs: the inspector's port plus its metrics and shutdown. */
export interface MailService extends FindingMailPort {
  /** The mail families (sent, failed, suppressed, queued, ...). */
  families(): MetricFamily[];
  /** Sends the daily digests now (the digestCron task; tests). */
  runDigests(): void;
  /** Sends the weekly summary now (the summaryCron task; tests). */
  runSummary(): void;
  /** Stops schedules and sending (queued mails stay on disk for the next start); writes the state. */
  close(graceMs?: number): Promise<void>;
}

/** What {@link createMailService} takes besides the config. */
export interface MailServiceDeps {
  /** ctld's state directory: the queue and the state go in `<stateDir>/mail/`. */
  readonly stateDir: string;
  /** The cluster's name for digests and the summary (the findings carry their own). */
  readonly cluster?: string;
  /** Another transport (tests); SMTP to `smtp.host` by default. */
  readonly transport?: MailTransport;
  readonly now?: () => number;
  /** Runs the addressCommand (runCommand by default). */
  readonly run?: CommandRunner;
  /** Schedules digests and summary (node-cron by default; tests drive their own clock). */
  readonly scheduler?: Scheduler;
  /** The queue's first retry delay (5 s) and its cap (5 min). */
  readonly retryBaseMs?: number;
  readonly retryCapMs?: number;
}

/**
 * ctld's mail service, or undefined when neither `smtp.host` nor `smtp.dryRun` is set. Validates
 * the cron expressions, the time zone and the templates (ConfigError naming the key), loads the
 * state and the queue of `<stateDir>/mail/`, starts the schedules and sends what was queued.
 */
export function createMailService(config: CtldConfig, log: Logger, deps: MailServiceDeps): MailService | undefined {
  const smtp = config.smtp;
  if (smtp.host === undefined && !smtp.dryRun) return undefined;
  validateCron(smtp.digestCron, 'smtp.digestCron');
  validateCron(smtp.summaryCron, 'smtp.summaryCron');
  validateTimeZone(smtp.timeZone);
  const templates = loadTemplates(smtp.templates);
  const now = deps.now ?? Date.now;
  const dir = join(deps.stateDir, 'mail');
  const counters: MailCounters = { sent: 0, failed: 0, suppressed: 0, dryRun: 0, digests: 0, summaries: 0 };
  const addresses = new AddressBook({
    userDomain: smtp.userDomain,
    ...(smtp.addressCommand === undefined ? {} : { command: smtp.addressCommand }),
    timeoutMs: smtp.addressTimeout,
    cacheForMs: smtp.addressCacheFor,
    ...(deps.run === undefined ? {} : { run: deps.run }),
    now,
  });
  const transport = smtp.dryRun ? undefined : (deps.transport ?? smtpTransport(smtp, smtp.host!));
  const state = new MailStateFile(dir, log, now());
  const queue = new MailQueue({
    dir: join(dir, 'queue'),
    maxQueued: smtp.maxQueued,
    log,
    deliver: makeDeliver({ from: smtp.from, addresses, log, transport }),
    onDone: (mail, outcome) => {
      if (outcome === 'failed') counters.failed++;
      else if (smtp.dryRun) counters.dryRun++;
      else counters.sent++;
      if (outcome === 'sent' && mail.what === 'digest') counters.digests++;
      if (outcome === 'sent' && mail.what === 'summary') counters.summaries++;
    },
    ...(deps.retryBaseMs === undefined ? {} : { retryBaseMs: deps.retryBaseMs }),
    ...(deps.retryCapMs === undefined ? {} : { retryCapMs: deps.retryCapMs }),
    now,
  });
  counters.failed += queue.bad;
  // A mail queued just before a crash carries its job+kind keys: they are not mailed again.
  for (const mail of queue.pending()) for (const key of mail.keys) state.data.mailed[key] ??= mail.queuedAtMs;
  const mailer = new FindingMailer({
    log,
    cluster: deps.cluster ?? config.cluster,
    idHost: messageIdHost(smtp.from),
    minElapsedMs: config.inspector.minElapsed,
    linkBase: config.inspector.linkBase,
    maxPerUserPerDay: smtp.maxPerUserPerDay,
    adminAddresses: smtp.adminAddresses,
    timeZone: smtp.timeZone,
    state,
    queue,
    templates,
    scheduler: deps.scheduler ?? cronScheduler,
    digestCron: smtp.digestCron,
    summaryCron: smtp.summaryCron,
    now,
    counters,
  });
  mailer.start();
  log.info(
    { host: smtp.host, port: smtp.port, dryRun: smtp.dryRun, queued: queue.size, dir },
    smtp.dryRun ? 'mails about jobs: dry run (logged, not sent)' : 'mails about jobs: on',
  );
  return {
    raised: (f) => mailer.raised(f),
    ended: (r) => mailer.ended(r),
    runDigests: () => mailer.runDigests(),
    runSummary: () => mailer.runSummary(),
    families: () => mailFamilies(counters, queue.size, addresses.errors),
    close: async (graceMs) => {
      await mailer.close(graceMs);
      transport?.close();
    },
  };
}

/** The mail families from the counters. */
export function mailFamilies(c: MailCounters, queued: number, addressErrors: number): MetricFamily[] {
  const one = (desc: FamilyDesc, value: number): MetricFamily => ({ ...desc, samples: [{ labels: {}, value }] });
  return [
    one(MAIL_FAMILIES.sent, c.sent),
    one(MAIL_FAMILIES.failed, c.failed),
    one(MAIL_FAMILIES.suppressed, c.suppressed),
    one(MAIL_FAMILIES.queued, queued),
    one(MAIL_FAMILIES.dryRun, c.dryRun),
    one(MAIL_FAMILIES.digests, c.digests),
    one(MAIL_FAMILIES.summaries, c.summaries),
    one(MAIL_FAMILIES.addressErrors, addressErrors),
  ];
}
