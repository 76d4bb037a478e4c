import { FINDING_KINDS, type FindingKind } from '@slurmscope/common';
import type { JobReport } from '../reports/types.js';
import { KIND_TITLES } from './advice.js';
import { formatNumber, reportCost, type FindingView } from './content.js';
import type { DigestItem, WeekAggregates } from './state.js';

/** One job in a user's digest with its findings. */
export interface DigestJobView {
  readonly jobid: string;
  readonly displayId: string;
  readonly partition: string;
  readonly running: boolean;
  readonly link?: string;
  readonly findings: readonly FindingView[];
}

/** The data of a user's daily digest (the `digest` templates). */
export interface DigestView {
  readonly user: string;
  readonly cluster: string;
  /** Findings in the digest. */
  readonly count: number;
  readonly jobs: readonly DigestJobView[];
}

/** One row of a top list. */
export interface TopRow {
  readonly user: string;
  readonly value: string;
}

/** The data of the admins' weekly summary (the `summary` templates). */
export interface SummaryView {
  readonly cluster: string;
  /** The period, as dates in the cluster's time zone. */
  readonly from: string;
  readonly to: string;
  readonly jobs: number;
  readonly users: number;
  readonly topIdleCpuHours: readonly TopRow[];
  readonly topIdleGpuHours: readonly TopRow[];
  readonly topEnergyKwh: readonly TopRow[];
  readonly findings: readonly { kind: string; title: string; partition: string; count: number }[];
}

/** Rows in each top list of the summary. */
export const TOP_USERS = 10;

/** Adds an ended job's waste and energy to its user's week. */
export function addReport(week: WeekAggregates, r: JobReport): void {
  const cost = reportCost(r);
  const u = (week.users[r.user] ??= { jobs: 0, idleCpuHours: 0, idleGpuHours: 0, energyJoules: 0 });
  u.jobs++;
  u.idleCpuHours += cost.idleCpuHours ?? 0;
  u.idleGpuHours += cost.idleGpuHours ?? 0;
  u.energyJoules += cost.energyJoules ?? 0;
  week.jobs++;
  week.cluster = r.cluster;
}

/** Counts one finding (once per job and kind: the caller checks) in its kind and partition. */
export function addFinding(week: WeekAggregates, kind: FindingKind, partition: string): void {
  const key = `${kind}\t${partition}`;
  week.findings[key] = (week.findings[key] ?? 0) + 1;
}

/** The digest of one user: their pending findings grouped by job, in the order seen. */
export function digestView(user: string, cluster: string, items: readonly DigestItem[]): DigestView {
  const jobs = new Map<string, { job: Omit<DigestJobView, 'findings'>; findings: FindingView[] }>();
  for (const it of items) {
    const key = `${it.cluster}/${it.jobid}`;
    let j = jobs.get(key);
    if (j === undefined) {
      const job = {
        jobid: it.jobid,
        displayId: it.displayId,
        partition: it.partition,
        running: it.running,
        ...(it.link === undefined ? {} : { link: it.link }),
      };
      j = { job, findings: [] };
      jobs.set(key, j);
    }
    j.findings.push(it.finding);
  }
  return {
    user,
    cluster,
    count: items.length,
    jobs: [...jobs.values()].map((j) => ({ ...j.job, findings: j.findings })),
  };
}

/** `YYYY-MM-DD` of `ms` in `timeZone` (the host's when unset). */
export function localDate(ms: number, timeZone: string | undefined): string {
  return new Intl.DateTimeFormat('en-CA', {
    ...(timeZone === undefined ? {} : { timeZone }),
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(ms);
}

/** The summary of a week: top users by idle CPU-hours, idle GPU-hours and energy; findings per kind and partition. */
export function summaryView(o: {
  week: WeekAggregates;
  cluster: string;
  nowMs: number;
  timeZone: string | undefined;
}): SummaryView {
  const users = Object.entries(o.week.users);
  const top = (pick: (u: (typeof users)[number][1]) => number): TopRow[] =>
    users
      .map(([user, u]) => ({ user, v: pick(u) }))
      .filter((x) => x.v > 0)
      .sort((a, b) => b.v - a.v || a.user.localeCompare(b.user))
      .slice(0, TOP_USERS)
      .map((x) => ({ user: x.user, value: formatNumber(x.v) }));
  const order = new Map(FINDING_KINDS.map((k, i) => [k as string, i]));
  const findings = Object.entries(o.week.findings)
    .map(([key, count]) => {
      const [kind, partition] = key.split('\t') as [string, string];
      return { kind, title: KIND_TITLES[kind as FindingKind] ?? kind, partition, count };
    })
    .sort((a, b) => (order.get(a.kind) ?? 99) - (order.get(b.kind) ?? 99) || a.partition.localeCompare(b.partition));
  return {
    cluster: o.cluster,
    from: localDate(o.week.sinceMs, o.timeZone),
    to: localDate(o.nowMs, o.timeZone),
    jobs: o.week.jobs,
    users: users.length,
    topIdleCpuHours: top((u) => u.idleCpuHours),
    topIdleGpuHours: top((u) => u.idleGpuHours),
    topEnergyKwh: top((u) => u.energyJoules / 3.6e6),
    findings,
  };
}
