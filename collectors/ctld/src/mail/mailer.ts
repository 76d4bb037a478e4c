import { createTransport, type Transporter } from 'nodemailer';
import { errorMessage } from '@slurmscope/common';
import type { FamilyDesc, Logger, MetricFamily } from '@slurmscope/model';
import { MAIL_FAMILIES } from '../metrics.js';
import type { JobReport } from '../reports/types.js';
import { composeNotice, mailworthy, type Notice } from './notice.js';

/** Where and how mails go out; `host` unset = no mails. */
export interface MailerOptions {
  readonly host: string;
  readonly port: number;
  readonly from: string;
  /** Appended to the Slurm user name to form the address: `<user>@<userDomain>`. */
  readonly userDomain: string;
  readonly user?: string;
  /** From `smtp.passwordFile` or $SLURMSCOPE_SMTP_PASSWORD; never logged. */
  readonly password?: string;
  readonly log: Logger;
  /** Jobs shorter than this get no mail (a test job is not worth one). Default 10 min. */
  readonly minElapsedSeconds?: number;
  /** Mails per user in any 24 hours; the rest are counted and logged, not sent. Default 3. */
  readonly maxPerUserPerDay?: number;
  /** Mails waiting to go out; beyond it new ones are dropped and counted. Default 1000. */
  readonly maxQueued?: number;
  /** Tries per mail before it is given up (with 5 s, 20 s ... between). Default 3. */
  readonly attempts?: number;
  /** SMTP connection, greeting and socket timeout. Default 20 s. */
  readonly timeoutMs?: number;
  /** Another transport (tests); nodemailer's SMTP transport by default. */
  readonly transport?: Pick<Transporter, 'sendMail' | 'close'>;
  readonly now?: () => number;
  /** The delay before retry `n` (1-based); default 5 s × 4^(n−1). */
  readonly retryDelayMs?: (n: number) => number;
}

/** What the mailer did, for /metrics. */
export interface MailCounters {
  sent: number;
  failed: number;
  suppressed: number;
}

const DAY_MS = 24 * 3600 * 1000;

/**
 * Mails a job's user about the warnings in its report: one mail per job, only for jobs that ran at
 * least `minElapsedSeconds`, at most `maxPerUserPerDay` per user. Sending never blocks the caller:
 * mails queue (bounded) and go out one at a time, each retried a few times; SMTP being down costs
 * those mails, logged and counted, never a report or a cycle.
 */
export class UserMailer {
  readonly counters: MailCounters = { sent: 0, failed: 0, suppressed: 0 };
  private readonly transport: Pick<Transporter, 'sendMail' | 'close'>;
  private readonly queue: { notice: Notice; jobid: string; attempt: number }[] = [];
  private readonly recent = new Map<string, number[]>();
  private readonly loggedLimit = new Set<string>();
  private running: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly opts: MailerOptions) {
    const timeout = opts.timeoutMs ?? 20_000;
    this.transport =
      opts.transport ??
      createTransport({
        host: opts.host,
        port: opts.port,
        secure: opts.port === 465,
        connectionTimeout: timeout,
        greetingTimeout: timeout,
        socketTimeout: timeout,
        ...(opts.user === undefined ? {} : { auth: { user: opts.user, pass: opts.password ?? '' } }),
      });
  }

  /** Considers one freshly written report; returns what it decided (for the log and tests). */
  notify(report: JobReport): 'queued' | 'no findings' | 'too short' | 'limited' | 'queue full' | 'closed' {
    if (this.closed) return 'closed';
    if (mailworthy(report).length === 0) return 'no findings';
    if ((report.elapsed_seconds ?? 0) < (this.opts.minElapsedSeconds ?? 600)) return 'too short';
    const now = (this.opts.now ?? Date.now)();
    const times = (this.recent.get(report.user) ?? []).filter((t) => t > now - DAY_MS);
    if (times.length >= (this.opts.maxPerUserPerDay ?? 3)) {
      this.counters.suppressed++;
      if (!this.loggedLimit.has(report.user)) {
        this.loggedLimit.add(report.user);
        this.opts.log.info({ user: report.user, jobid: report.jobid }, 'mail limit per user reached; not mailing');
      }
      return 'limited';
    }
    if (this.queue.length >= (this.opts.maxQueued ?? 1000)) {
      this.counters.failed++;
      this.opts.log.warn({ jobid: report.jobid }, 'mail queue full; mail dropped');
      return 'queue full';
    }
    times.push(now);
    this.recent.set(report.user, times);
    this.loggedLimit.delete(report.user);
    const to = `${report.user}@${this.opts.userDomain}`;
    this.queue.push({ notice: composeNotice(report, to), jobid: report.jobid, attempt: 0 });
    this.kick();
    return 'queued';
  }

  /** Mail counters as metric families. */
  families(): MetricFamily[] {
    const one = (desc: FamilyDesc, value: number): MetricFamily => ({ ...desc, samples: [{ labels: {}, value }] });
    return [
      one(MAIL_FAMILIES.sent, this.counters.sent),
      one(MAIL_FAMILIES.failed, this.counters.failed),
      one(MAIL_FAMILIES.suppressed, this.counters.suppressed),
    ];
  }

  /** Sends what is queued (waiting at most `graceMs`), then closes the transport. */
  async close(graceMs = 5000): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.queue.length > 0 && this.running === undefined) this.kick(true);
    if (this.running !== undefined) {
      await Promise.race([this.running, new Promise((r) => setTimeout(r, graceMs).unref())]);
    }
    if (this.queue.length > 0) {
      this.counters.failed += this.queue.length;
      this.opts.log.warn({ mails: this.queue.length }, 'ctld stopping: unsent mails dropped');
      this.queue.length = 0;
    }
    this.transport.close();
  }

  private kick(force = false): void {
    if (this.running !== undefined || this.timer !== undefined || (this.closed && !force)) return;
    this.running = this.drain().finally(() => {
      this.running = undefined;
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const item = this.queue[0]!;
      try {
        await this.transport.sendMail({
          from: this.opts.from,
          to: item.notice.to,
          subject: item.notice.subject,
          text: item.notice.text,
        });
        this.queue.shift();
        this.counters.sent++;
        this.opts.log.info({ jobid: item.jobid, to: item.notice.to }, 'mailed the user about the job');
      } catch (err) {
        item.attempt++;
        const attempts = this.opts.attempts ?? 3;
        if (item.attempt >= attempts) {
          this.queue.shift();
          this.counters.failed++;
          this.opts.log.error(
            { jobid: item.jobid, to: item.notice.to, attempts, err: errorMessage(err) },
            `cannot mail via ${this.opts.host}:${this.opts.port}; mail given up`,
          );
          continue;
        }
        if (this.closed) return;
        const delay = (this.opts.retryDelayMs ?? ((n) => 5000 * 4 ** (n - 1)))(item.attempt);
        this.opts.log.warn(
          { jobid: item.jobid, attempt: item.attempt, retryInMs: delay, err: errorMessage(err) },
          `cannot mail via ${this.opts.host}:${this.opts.port}; retrying`,
        );
        this.timer = setTimeout(() => {
          this.timer = undefined;
          this.kick();
        }, delay);
        this.timer.unref();
        return;
      }
    }
  }
}
