import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { errorMessage, writeFileAtomic } from '@slurmscope/common';
import type { Logger } from '@slurmscope/model';
import { firstIssue, queuedMailSchema } from './persisted.js';

/** One mail waiting in `<stateDir>/mail/queue`, one JSON file each. */
export interface QueuedMail {
  /** `<slurmscope.…@host>`: fixed per job and kind, so that a retry is the same mail. */
  readonly messageId: string;
  readonly what: 'finding' | 'digest' | 'summary';
  /** A Slurm user: the address is looked up when the mail is sent. */
  readonly user?: string;
  /** A fixed address (an admin). */
  readonly to?: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  /** The job+kind keys the mail carries (restored into the mailed record at start). */
  readonly keys: readonly string[];
  readonly queuedAtMs: number;
}

/** Why a delivery failed, which decides what happens to the mail. */
export class MailDeliveryError extends Error {
  override readonly name = 'MailDeliveryError';
  constructor(
    message: string,
    /** permanent: given up (a 5xx for the recipient); mail: this mail retried later; server: the whole queue waits. */
    readonly scope: 'permanent' | 'mail' | 'server',
  ) {
    super(message);
  }
}

/** What {@link MailQueue} needs. */
export interface MailQueueOptions {
  readonly dir: string;
  readonly maxQueued: number;
  readonly log: Logger;
  /** Sends one mail; throws a MailDeliveryError (any other error counts as `server`). */
  readonly deliver: (mail: QueuedMail) => Promise<void>;
  /** Told of each mail accepted by the server (or logged in dry run), and each given up. */
  readonly onDone: (mail: QueuedMail, outcome: 'sent' | 'failed') => void;
  /** The first retry's delay (default 5 s), doubled each time up to `retryCapMs` (default 5 min). */
  readonly retryBaseMs?: number;
  readonly retryCapMs?: number;
  /** The clock of `queuedAtMs` (Date.now by default), for {@link MAX_MAIL_AGE_MS}. */
  readonly now?: () => number;
}

/**
 * A mail that still fails this long after it was queued is given up (logged, counted as failed):
 * a recipient refused with a 4xx for days, an address the addressCommand never finds, or an SMTP
 * server down for days; news of a job this old is no use to its user. A constant, not a config
 * key: three days outlast a long weekend's outage.
 */
export const MAX_MAIL_AGE_MS = 3 * 24 * 3600 * 1000;

interface Entry {
  readonly file: string;
  readonly mail: QueuedMail;
  attempts: number;
  notBefore: number;
}

/**
 * The disk queue: each mail a file (writeFileAtomic, 0600), at most `maxQueued`, sent one at
 * a time in the order queued, deleted only once the server accepted it. SMTP down: retried with
 * backoff; a permanent refusal of the recipient, or failing for MAX_MAIL_AGE_MS, gives a mail up.
 */
export class MailQueue {
  private readonly entries: Entry[] = [];
  private readonly ids = new Set<string>();
  private running: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private pausedUntil = 0;
  private serverFailures = 0;
  private seq = 0;
  private closed = false;
  private again = false;

  constructor(private readonly opts: MailQueueOptions) {
    mkdirSync(opts.dir, { recursive: true, mode: 0o700 });
    this.load();
  }

  /** Mails waiting. */
  get size(): number {
    return this.entries.length;
  }

  /** The mails waiting, in order (a copy). */
  pending(): QueuedMail[] {
    return this.entries.map((e) => e.mail);
  }

  /** Queues a mail on disk: 'duplicate' when its Message-ID waits already, 'full' beyond maxQueued. */
  add(mail: QueuedMail): 'queued' | 'duplicate' | 'full' {
    if (this.ids.has(mail.messageId)) return 'duplicate';
    if (this.entries.length >= this.opts.maxQueued) return 'full';
    const hash = createHash('sha256').update(mail.messageId).digest('hex').slice(0, 16);
    const file = `${String(mail.queuedAtMs).padStart(15, '0')}-${String(++this.seq).padStart(6, '0')}-${hash}.json`;
    writeFileAtomic(join(this.opts.dir, file), JSON.stringify(mail), 0o600);
    this.entries.push({ file, mail, attempts: 0, notBefore: 0 });
    this.ids.add(mail.messageId);
    this.kick();
    return 'queued';
  }

  /** Starts sending (after `load` or when a mail was added). */
  kick(): void {
    if (this.closed) return;
    if (this.running !== undefined) {
      // The drain in flight may have passed its last look at the entries: it runs again after.
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.timer = undefined;
    this.running = this.drain().finally(() => {
      this.running = undefined;
      if (this.again) {
        this.again = false;
        this.kick();
      }
    });
  }

  /** Resolves when nothing is being sent (tests); mails waiting for a retry stay queued. */
  async idle(): Promise<void> {
    while (this.running !== undefined) await this.running;
  }

  /**
   * Stops sending: waits up to `graceMs` for the mail in flight; queued mails stay on disk.
   * Delivery is at least once: a mail the server accepted after the grace (the SMTP socket
   * timeout is 20 s) or just before a crash, but not yet deleted here, is sent again at the next
   * start, with the same Message-ID, so that the duplicate is recognisable.
   */
  async close(graceMs = 5000): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.running !== undefined) {
      await Promise.race([this.running, new Promise((r) => setTimeout(r, graceMs).unref())]);
    }
  }

  /** Files found unusable at start (renamed to `.bad`); the service counts them as failed. */
  bad = 0;

  private load(): void {
    const all = readdirSync(this.opts.dir);
    // A crash during writeFileAtomic leaves its temp file (`.<name>.<pid>.<random>.tmp`).
    for (const n of all.filter((x) => x.endsWith('.tmp'))) this.unlinkLogged(n, 'cannot remove a stale temp file');
    for (const file of all.filter((n) => n.endsWith('.json') && !n.startsWith('.')).sort()) {
      let mail: QueuedMail;
      try {
        const parsed = queuedMailSchema.safeParse(JSON.parse(readFileSync(join(this.opts.dir, file), 'utf8')));
        if (!parsed.success) throw new Error(`not a queued mail: ${firstIssue(parsed.error)}`);
        mail = parsed.data;
      } catch (err) {
        // Kept aside for an admin to read, never retried in a loop.
        this.bad++;
        this.opts.log.error({ file, err: errorMessage(err) }, 'unreadable mail in the queue; renamed to .bad');
        renameSync(join(this.opts.dir, file), join(this.opts.dir, `${file}.bad`));
        continue;
      }
      if (this.ids.has(mail.messageId)) {
        this.unlinkLogged(file, 'cannot remove a duplicate mail from the queue');
        continue;
      }
      this.entries.push({ file, mail, attempts: 0, notBefore: 0 });
      this.ids.add(mail.messageId);
    }
  }

  private unlinkLogged(name: string, msg: string): void {
    try {
      unlinkSync(join(this.opts.dir, name));
    } catch (err) {
      this.opts.log.warn({ file: name, err: errorMessage(err) }, msg);
    }
  }

  private delay(n: number): number {
    return Math.min(this.opts.retryCapMs ?? 300_000, (this.opts.retryBaseMs ?? 5000) * 2 ** Math.max(0, n - 1));
  }

  private wake(ms: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.kick(), Math.max(1, ms));
    this.timer.unref();
  }

  private async drain(): Promise<void> {
    while (!this.closed && this.entries.length > 0) {
      const now = Date.now();
      if (now < this.pausedUntil) return this.wake(this.pausedUntil - now);
      const entry = this.entries.find((e) => e.notBefore <= now);
      if (entry === undefined) return this.wake(Math.min(...this.entries.map((e) => e.notBefore)) - now);
      try {
        await this.opts.deliver(entry.mail);
        this.serverFailures = 0;
        this.remove(entry);
        this.opts.onDone(entry.mail, 'sent');
      } catch (err) {
        this.failed(entry, err);
      }
    }
  }

  private failed(entry: Entry, err: unknown): void {
    const scope = err instanceof MailDeliveryError ? err.scope : 'server';
    const fields = {
      messageId: entry.mail.messageId,
      user: entry.mail.user,
      to: entry.mail.to,
      err: errorMessage(err),
    };
    if (scope === 'permanent') {
      this.opts.log.error(fields, 'mail refused for good by the server; given up');
      this.giveUp(entry);
      return;
    }
    const ageMs = (this.opts.now ?? Date.now)() - entry.mail.queuedAtMs;
    if (ageMs >= MAX_MAIL_AGE_MS) {
      this.opts.log.error({ ...fields, scope, ageMs }, 'mail still not sent after 3 days in the queue; given up');
      this.giveUp(entry);
      return;
    }
    const attempts = scope === 'server' ? ++this.serverFailures : ++entry.attempts;
    const retryInMs = this.delay(attempts);
    if (scope === 'server') this.pausedUntil = Date.now() + retryInMs;
    else entry.notBefore = Date.now() + retryInMs;
    // The first failure and every tenth are warnings; a server down for hours does not flood the log.
    const level = attempts === 1 || attempts % 10 === 0 ? 'warn' : 'debug';
    this.opts.log[level]({ ...fields, attempts, retryInMs }, `mail not sent (${scope}); retrying`);
  }

  private giveUp(entry: Entry): void {
    this.remove(entry);
    this.opts.onDone(entry.mail, 'failed');
  }

  private remove(entry: Entry): void {
    try {
      unlinkSync(join(this.opts.dir, entry.file));
    } catch (err) {
      // Sent already: keeping it in memory would send it again; the file is logged for an admin.
      this.opts.log.error({ file: entry.file, err: errorMessage(err) }, 'cannot delete a sent mail from the queue');
    }
    this.entries.splice(this.entries.indexOf(entry), 1);
    this.ids.delete(entry.mail.messageId);
  }
}
