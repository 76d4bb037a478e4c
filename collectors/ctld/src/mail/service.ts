import { FINDING_KINDS, type FindingKind } from '@slurmscope/common';
import type { Logger } from '@slurmscope/model';
import type { FindingMailPort, RaisedFinding } from '../inspector/types.js';
import type { JobReport } from '../reports/types.js';
import { DIGEST_ONLY_KINDS } from './advice.js';
import { viewOfRaised, viewOfReport, type JobMailView } from './content.js';
import { idPart } from './deliver.js';
import type { MailQueue, QueuedMail } from './queue.js';
import type { ScheduledRun, Scheduler } from './schedule.js';
import { jobKindKey, type MailStateFile } from './state.js';
import { addFinding, addReport, digestView, summaryView } from './summary.js';
import type { MailTemplates } from './templates.js';

/** What the service counted, for /metrics. */
export interface MailCounters {
  sent: number;
  failed: number;
  suppressed: number;
  dryRun: number;
  digests: number;
  summaries: number;
}

/** The parts {@link FindingMailer} is made of (built by createMailService). */
export interface MailerParts {
  readonly log: Logger;
  readonly cluster: string | undefined;
  readonly idHost: string;
  readonly minElapsedMs: number;
  readonly linkBase: string | undefined;
  readonly maxPerUserPerDay: number;
  readonly adminAddresses: readonly string[];
  readonly timeZone: string | undefined;
  readonly state: MailStateFile;
  readonly queue: MailQueue;
  readonly templates: MailTemplates;
  readonly scheduler: Scheduler;
  readonly digestCron: string;
  readonly summaryCron: string;
  readonly now: () => number;
  readonly counters: MailCounters;
}

const DAY_MS = 24 * 3600 * 1000;
/** Findings kept per user for a digest; beyond, the oldest are dropped (a digest stays readable). */
const MAX_PENDING_PER_USER = 200;

/**
 * Mails about findings: at once while the job runs (at most maxPerUserPerDay per user and day, the
 * rest in the daily digest), the end-of-job mail with what was not mailed yet, the weekly summary
 * for the admins. Never two mails about one job and kind; nothing here waits for SMTP.
 */
export class FindingMailer implements FindingMailPort {
  private readonly runs: ScheduledRun[] = [];
  private readonly limited = new Set<string>();
  private closed = false;

  constructor(private readonly p: MailerParts) {}

  /** Schedules the digests and the summary; runs at once one whose time passed while ctld was down. */
  start(): void {
    const { p } = this;
    const digest = p.scheduler(p.digestCron, p.timeZone, () => this.runDigests());
    const summary = p.scheduler(p.summaryCron, p.timeZone, () => this.runSummary());
    this.runs.push(digest, summary);
    const now = p.now();
    const s = p.state.data;
    if (s.digestDueMs !== undefined && s.digestDueMs <= now) this.runDigests();
    else s.digestDueMs ??= digest.nextRunMs();
    if (s.summaryDueMs !== undefined && s.summaryDueMs <= now) this.runSummary();
    else s.summaryDueMs ??= summary.nextRunMs();
    p.state.saveNow();
    p.queue.kick();
  }

  raised(f: RaisedFinding): void {
    if (this.closed) return;
    const s = this.p.state.data;
    if (s.ended[f.cluster]?.[f.jobid] !== undefined) return; // its report was handled
    const key = jobKindKey(f.cluster, f.jobid, f.kind);
    const counted = s.counted[key] === undefined;
    if (counted) {
      s.counted[key] = this.p.now();
      addFinding(s.week, f.kind, f.partition);
    }
    if (f.elapsedSeconds * 1000 < this.p.minElapsedMs || s.mailed[key] !== undefined) {
      if (counted) this.p.state.changed(); // written only when something changed
      return;
    }
    s.mailed[key] = this.p.now();
    this.dispatch(viewOfRaised(f, this.p.linkBase), [f.kind], false);
  }

  /**
   * The job's report was written: its findings not counted live are counted, those not mailed live
   * are mailed (or digested). Its job+kind keys give way to one ended mark (most jobs have an
   * end-of-job finding: a key per job and kind grew the state by the hundred thousand); a second
   * call for the job does nothing (the archive writes a report once, but a state may be restored).
   */
  ended(r: JobReport): void {
    if (this.closed) return;
    const s = this.p.state.data;
    const ended = (s.ended[r.cluster] ??= {});
    if (ended[r.jobid] !== undefined) return;
    ended[r.jobid] = this.p.now();
    addReport(s.week, r);
    const has = (map: Record<string, number>, kind: FindingKind): boolean =>
      map[jobKindKey(r.cluster, r.jobid, kind)] !== undefined;
    for (const f of r.findings) if (!has(s.counted, f.kind)) addFinding(s.week, f.kind, r.partition);
    const unmailed = r.findings.filter((f) => !has(s.mailed, f.kind));
    for (const kind of FINDING_KINDS) {
      delete s.counted[jobKindKey(r.cluster, r.jobid, kind)];
      delete s.mailed[jobKindKey(r.cluster, r.jobid, kind)];
    }
    if ((r.elapsed_seconds ?? 0) * 1000 < this.p.minElapsedMs || unmailed.length === 0) {
      this.p.state.changed();
      return;
    }
    const kinds = new Set<FindingKind>(unmailed.map((f) => f.kind));
    // Info kinds alone (memory or time over-requested) are worth a line in the digest, not a mail.
    const digestOnly = unmailed.every((f) => f.severity !== 'warning' || DIGEST_ONLY_KINDS.has(f.kind));
    this.dispatch(viewOfReport(r, kinds, this.p.linkBase), [...kinds], digestOnly);
  }

  /** Sends the daily digests of every user with pending findings (the cron's task). */
  runDigests(): void {
    const { p } = this;
    const s = p.state.data;
    const now = p.now();
    for (const [user, items] of Object.entries(s.pending)) {
      if (items.length === 0) {
        delete s.pending[user];
        continue;
      }
      const cluster = p.cluster ?? items[0]!.cluster;
      const view = digestView(user, cluster, items);
      // From the due time, not the clock: a digest re-run after a crash has the same Message-ID.
      const stamp = Math.floor((s.digestDueMs ?? now) / 60_000);
      const outcome = this.enqueue({
        messageId: `<slurmscope.${idPart(cluster)}.digest.${idPart(user)}.${stamp}@${p.idHost}>`,
        what: 'digest',
        user,
        subject: `[slurmscope] your jobs on ${cluster}: ${view.count} more finding(s)`,
        text: p.templates.digest.text(view),
        html: p.templates.digest.html(view),
        keys: [],
        queuedAtMs: now,
      });
      // Kept for the next digest when the queue was full or could not be written: never lost.
      if (outcome === 'queued' || outcome === 'duplicate') delete s.pending[user];
    }
    s.digestDueMs = this.runs[0]?.nextRunMs();
    // At once: a digest enqueued must not be enqueued again by a restart.
    p.state.saveNow();
  }

  /** Sends the weekly summary to the admins and starts a new week (the cron's task). */
  runSummary(): void {
    const { p } = this;
    const s = p.state.data;
    const now = p.now();
    const cluster = p.cluster ?? s.week.cluster ?? 'unknown';
    const view = summaryView({ week: s.week, cluster, nowMs: now, timeZone: p.timeZone });
    const stamp = Math.floor((s.summaryDueMs ?? now) / 60_000);
    p.adminAddresses.forEach((to, i) =>
      this.enqueue({
        messageId: `<slurmscope.${idPart(cluster)}.summary.${stamp}.${i}@${p.idHost}>`,
        what: 'summary',
        to,
        subject: `[slurmscope] weekly summary of ${cluster}, ${view.from} to ${view.to}`,
        text: p.templates.summary.text(view),
        html: p.templates.summary.html(view),
        keys: [],
        queuedAtMs: now,
      }),
    );
    s.week = { sinceMs: now, jobs: 0, users: {}, findings: {} };
    s.summaryDueMs = this.runs[1]?.nextRunMs();
    p.state.saveNow();
  }

  /** Stops the schedules and the queue (mails waiting stay on disk); writes the state. */
  async close(graceMs?: number): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const r of this.runs) r.stop();
    await this.p.queue.close(graceMs);
    this.p.state.saveNow();
  }

  /** A mail at once, or the findings into the user's digest when the day's mails are spent. */
  private dispatch(view: JobMailView, kinds: readonly FindingKind[], digestOnly: boolean): void {
    const { p } = this;
    const s = p.state.data;
    const now = p.now();
    const times = (s.sent[view.user] ?? []).filter((t) => t > now - DAY_MS);
    const limited = times.length >= p.maxPerUserPerDay;
    if (digestOnly || limited) {
      if (limited && !digestOnly) this.noteLimited(view);
      this.fold(view, now);
      p.state.changed();
      return;
    }
    this.limited.delete(view.user);
    s.sent[view.user] = [...times, now];
    // The job+kind keys reach the disk before the mail does: the mail may be sent and its queue
    // file deleted within milliseconds, and a crash before a debounced write would mail it again.
    p.state.saveNow();
    this.enqueue({
      // One mail per set of kinds, sorted: the same findings give the same Message-ID.
      messageId: `<slurmscope.${idPart(view.cluster)}.${idPart(view.jobid)}.${[...kinds].sort().join('.')}@${p.idHost}>`,
      what: 'finding',
      user: view.user,
      subject: `[slurmscope] job ${view.displayId} on ${view.cluster}${view.running ? ' (running)' : ''}: ${kinds
        .map((k) => k.replace(/_/g, ' '))
        .join(', ')}`,
      text: p.templates.finding.text(view),
      html: p.templates.finding.html(view),
      // Restored into `mailed` at start; an ended job's report is not handled again, so none for it.
      keys: view.running ? kinds.map((k) => jobKindKey(view.cluster, view.jobid, k)) : [],
      queuedAtMs: now,
    });
    p.state.changed();
  }

  private noteLimited(view: JobMailView): void {
    this.p.counters.suppressed++;
    if (this.limited.has(view.user)) return;
    this.limited.add(view.user);
    this.p.log.info(
      { user: view.user, jobid: view.jobid, maxPerUserPerDay: this.p.maxPerUserPerDay },
      "the user had the day's mails; findings go into their daily digest",
    );
  }

  private fold(view: JobMailView, now: number): void {
    const s = this.p.state.data;
    const items = (s.pending[view.user] ??= []);
    for (const finding of view.findings) {
      items.push({
        atMs: now,
        jobid: view.jobid,
        displayId: view.displayId,
        cluster: view.cluster,
        partition: view.partition,
        running: view.running,
        ...(view.link === undefined ? {} : { link: view.link }),
        finding,
      });
    }
    if (items.length > MAX_PENDING_PER_USER) items.splice(0, items.length - MAX_PENDING_PER_USER);
  }

  /** Queues a mail; 'error' when it could not be written (logged and counted as failed, like 'full'). */
  private enqueue(mail: QueuedMail): ReturnType<MailQueue['add']> | 'error' {
    let outcome: ReturnType<MailQueue['add']>;
    try {
      outcome = this.p.queue.add(mail);
    } catch (err) {
      this.p.counters.failed++;
      this.p.log.error({ messageId: mail.messageId, err: String(err) }, 'cannot write a mail into the queue');
      return 'error';
    }
    if (outcome === 'full') {
      this.p.counters.failed++;
      this.p.log.warn(
        { messageId: mail.messageId, queued: this.p.queue.size },
        'mail queue full (smtp.maxQueued); mail refused',
      );
    }
    return outcome;
  }
}
