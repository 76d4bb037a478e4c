import { mkdirSync, readdirSync, readFileSync, renameSync, unlinkSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { errorMessage, writeFileAtomic } from '@slurmscope/common';
import type { Logger } from '@slurmscope/model';
import type { FindingView } from './content.js';
import { firstIssue, mailStateSchema } from './persisted.js';

/** A finding waiting for its user's daily digest. */
export interface DigestItem {
  readonly atMs: number;
  readonly jobid: string;
  readonly displayId: string;
  readonly cluster: string;
  readonly partition: string;
  /** True when it was seen while the job ran. */
  readonly running: boolean;
  readonly link?: string;
  readonly finding: FindingView;
}

/** One user's week, from the reports of their ended jobs. */
export interface UserWeek {
  jobs: number;
  idleCpuHours: number;
  idleGpuHours: number;
  energyJoules: number;
}

/** What the admins' weekly summary counts since `sinceMs`. */
export interface WeekAggregates {
  sinceMs: number;
  /** The cluster of the jobs counted (when ctld was not told its name). */
  cluster?: string;
  jobs: number;
  users: Record<string, UserWeek>;
  /** Findings per `<kind>\t<partition>`. */
  findings: Record<string, number>;
}

/** Everything the mail service keeps in `<stateDir>/mail/state.json`. */
export interface MailStateData {
  version: 1;
  /**
   * `<cluster>/<jobid>/<kind>` → when a live finding (of a running job) was mailed or folded into a
   * digest: not again, live or at the end. Dropped when the job's report is handled (once per job).
   */
  mailed: Record<string, number>;
  /** `<cluster>/<jobid>/<kind>` → when a live finding was counted in the weekly summary; dropped like `mailed`. */
  counted: Record<string, number>;
  /**
   * Per cluster, jobid → when its report was handled: the job's mail and count are never repeated
   * (ended() again, raised() after it). One short key per job, in place of its job+kind keys.
   */
  ended: Record<string, Record<string, number>>;
  /** Per user, when their immediate mails of the last 24 h were queued (the rate limit). */
  sent: Record<string, number[]>;
  /** Per user, the findings for their next daily digest. */
  pending: Record<string, DigestItem[]>;
  week: WeekAggregates;
  /** When the next digest and summary are due (a time that passed while ctld was down: sent at start). */
  digestDueMs?: number;
  summaryDueMs?: number;
}

const DAY_MS = 24 * 3600 * 1000;

/** How long job+kind keys (of a job whose report never came) and ended jobs are kept. */
export const KEY_RETENTION_MS = 14 * DAY_MS;

/** A fresh state, the summary's week starting at `nowMs`. */
export function emptyState(nowMs: number): MailStateData {
  return {
    version: 1,
    mailed: {},
    counted: {},
    ended: {},
    sent: {},
    pending: {},
    week: { sinceMs: nowMs, jobs: 0, users: {}, findings: {} },
  };
}

/** The key of one job and kind in `mailed` and `counted`. */
export function jobKindKey(cluster: string, jobid: string, kind: string): string {
  return `${cluster}/${jobid}/${kind}`;
}

/** Drops keys older than the retention and rate-limit times older than a day. Pure on `s`. */
export function pruneState(s: MailStateData, nowMs: number): void {
  for (const map of [s.mailed, s.counted, ...Object.values(s.ended)]) {
    for (const [k, t] of Object.entries(map)) if (t < nowMs - KEY_RETENTION_MS) delete map[k];
  }
  for (const [cluster, jobs] of Object.entries(s.ended)) if (Object.keys(jobs).length === 0) delete s.ended[cluster];
  for (const [user, times] of Object.entries(s.sent)) {
    const recent = times.filter((t) => t > nowMs - DAY_MS);
    if (recent.length === 0) delete s.sent[user];
    else s.sent[user] = recent;
  }
}

/**
 * The mail state on disk: read once at start, written whole (writeFileAtomic, 0600) a moment after a
 * change (`changed`) or at once (`saveNow`, for digests and summaries: never sent twice).
 */
export class MailStateFile {
  readonly data: MailStateData;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly dir: string,
    private readonly log: Logger,
    nowMs: number,
    private readonly delayMs = 1000,
  ) {
    this.data = MailStateFile.read(join(dir, 'state.json'), log, nowMs) ?? emptyState(nowMs);
    pruneState(this.data, nowMs);
  }

  /** Marks the state changed: written within `delayMs`. */
  changed(): void {
    if (this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.saveNow();
    }, this.delayMs);
    this.timer.unref();
  }

  /** Writes the state now; a failure is logged (the next change tries again). */
  saveNow(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const file = join(this.dir, 'state.json');
    try {
      mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      writeFileAtomic(file, JSON.stringify(this.data), 0o600);
    } catch (err) {
      this.log.error({ file, err: errorMessage(err) }, 'cannot write the mail state');
    }
  }

  /**
   * The state in `file`; undefined when there is none, or when it cannot be used: then it is
   * logged and moved aside to `<file>.corrupt-<ms>` for an admin (never overwritten).
   */
  private static read(file: string, log: Logger, nowMs: number): MailStateData | undefined {
    removeStaleTemps(file, log);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      log.error({ file, err: errorMessage(err) }, 'cannot read the mail state; starting afresh');
      return undefined;
    }
    let reason: string;
    try {
      const parsed = mailStateSchema.safeParse(JSON.parse(text));
      if (parsed.success) return parsed.data;
      reason = firstIssue(parsed.error);
    } catch (err) {
      reason = errorMessage(err);
    }
    const aside = `${file}.corrupt-${nowMs}`;
    try {
      renameSync(file, aside);
      log.error({ file, movedTo: aside, err: reason }, 'mail state unusable; moved aside, starting afresh');
    } catch (err) {
      log.error({ file, err: reason, renameErr: errorMessage(err) }, 'mail state unusable and not moved aside');
    }
    return undefined;
  }
}

/** Removes temp files a crash left beside `file` (writeFileAtomic names them `.<name>.*.tmp`). */
export function removeStaleTemps(file: string, log: Logger): void {
  const dir = dirname(file);
  const prefix = `.${basename(file)}.`;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  for (const n of names) {
    if (!n.startsWith(prefix) || !n.endsWith('.tmp')) continue;
    try {
      unlinkSync(join(dir, n));
    } catch (err) {
      log.warn({ file: join(dir, n), err: errorMessage(err) }, 'cannot remove a stale temp file');
    }
  }
}
