// GET /api/v1/co2: energy and CO2e of the jobs whose report ended in a window, from the report
// archive's index (in memory; no report file is read), summed per user, account or partition
// (public), or listed per job (`by=job`, the reports' credentials). Each cycle takes the entries
// of the longest window once, newest first; the answers of the usual windows are built once per
// cycle, any other window per request (a walk of the window's entries: the groups are few).
import { createHash } from 'node:crypto';
import { runPaced, type PaceOptions } from '../slices.js';
import type { ReportIndexEntry } from '../reports/types.js';
import { arrayTailSteps, objectTail, prepareBody, type PreparedBody } from './bodies.js';
import { HttpError } from './http.js';

/** The longest window of GET /api/v1/co2, in hours (7 days). */
export const MAX_CO2_HOURS = 168;

/** Most rows of a `by=job` answer (the newest); the totals still count every job of the window. */
export const MAX_CO2_ROWS = 10_000;

/** Windows (hours) whose answers are kept for the cycle, besides portal.co2Window; others are built per request. */
export const CO2_CACHED_HOURS: readonly number[] = [1, 6, 24, MAX_CO2_HOURS];

/** What `?by=` sums by: `job` lists the jobs themselves (credentials needed). */
export const CO2_BY = ['user', 'account', 'partition', 'job'] as const;

/** One value of {@link CO2_BY}. */
export type Co2By = (typeof CO2_BY)[number];

/** The key of a job without an account or partition (an index line older than those fields). */
export const UNKNOWN_KEY = '(unknown)';

const HOUR_MS = 3_600_000;

/** One user, account or partition: its jobs with measured energy, and their sums. */
export interface Co2Group {
  readonly key: string;
  readonly energy_joules: number;
  readonly co2_grams: number;
  readonly jobs: number;
}

/** One finished job of the window (`key` is its jobid). Null energy: nothing measured it (or an old index line). */
export interface Co2Row {
  readonly key: string;
  readonly jobid: string;
  readonly displayId: string;
  readonly user: string;
  readonly account: string | null;
  readonly partition: string | null;
  readonly end_time: string;
  readonly energy_joules: number | null;
  readonly co2_grams: number | null;
}

/** The window's sums over the jobs with measured energy (`jobs`); `unmeasured` counts the others. */
export interface Co2Total {
  readonly energy_joules: number;
  readonly co2_grams: number;
  readonly jobs: number;
  readonly unmeasured: number;
}

/** The answer's fields after its freshness keys. */
export interface Co2Answer {
  readonly from: string;
  readonly to: string;
  readonly hours: number;
  readonly by: Co2By;
  readonly total: Co2Total;
  /** by=job: jobs left out of `rows` beyond {@link MAX_CO2_ROWS} (the oldest); counted in `total`. */
  readonly rowsOmitted?: number;
  /** Groups by CO2e (largest first), or (by=job) jobs newest first. */
  readonly rows: readonly Co2Group[] | readonly Co2Row[];
}

/**
 * The window of `?hours=` in ms: an integer 1..168, or `defaultMs` (portal.co2Window) without it;
 * anything else is a 400 naming the allowed values.
 */
export function co2WindowMs(text: string | null, defaultMs: number): number {
  if (text === null) return defaultMs;
  const n = /^\d{1,3}$/.test(text) ? Number(text) : NaN;
  if (!(n >= 1 && n <= MAX_CO2_HOURS))
    throw new HttpError(400, `hours must be an integer from 1 to ${MAX_CO2_HOURS}`, { hours: text.slice(0, 20) });
  return n * HOUR_MS;
}

/** `?by=`: one of {@link CO2_BY}, `user` without it; anything else is a 400 naming them. */
export function co2By(text: string | null): Co2By {
  if (text === null) return 'user';
  if ((CO2_BY as readonly string[]).includes(text)) return text as Co2By;
  throw new HttpError(400, `by must be one of ${CO2_BY.join(', ')}`, { by: text.slice(0, 20) });
}

/** Entries that ended in the last {@link MAX_CO2_HOURS} before `toMs` (and not after it), newest first. Pure. */
export function newestFirst(entries: readonly ReportIndexEntry[], toMs: number): ReportIndexEntry[] {
  const to = new Date(toMs).toISOString();
  const from = new Date(toMs - MAX_CO2_HOURS * HOUR_MS).toISOString();
  const out = entries.filter((e) => e.end_time !== null && e.end_time >= from && e.end_time <= to);
  // ctld writes end times with toISOString: as text they sort as times.
  return out.sort((a, b) => (a.end_time! < b.end_time! ? 1 : a.end_time! > b.end_time! ? -1 : 0));
}

const round = (v: number): number => Math.round(v * 1000) / 1000;

/**
 * The answer for the window [toMs − windowMs, toMs] of entries sorted by {@link newestFirst},
 * summed `by` a field or (by=job) listed; `user` keeps only that user's jobs (totals included). Pure.
 */
export function co2Answer(
  sorted: readonly ReportIndexEntry[],
  toMs: number,
  windowMs: number,
  by: Co2By = 'user',
  user?: string,
): Co2Answer {
  const from = new Date(toMs - windowMs).toISOString();
  let n = 0;
  while (n < sorted.length && sorted[n]!.end_time! >= from) n++;
  const jobs = user === undefined ? sorted.slice(0, n) : sorted.slice(0, n).filter((e) => e.user === user);
  const head = { from, to: new Date(toMs).toISOString(), hours: windowMs / HOUR_MS, by, total: totalOf(jobs) };
  if (by !== 'job') return { ...head, rows: groupsOf(jobs, by) };
  return {
    ...head,
    rowsOmitted: Math.max(0, jobs.length - MAX_CO2_ROWS),
    rows: jobs.slice(0, MAX_CO2_ROWS).map(rowOf),
  };
}

function totalOf(jobs: readonly ReportIndexEntry[]): Co2Total {
  let energy = 0;
  let co2 = 0;
  let measured = 0;
  for (const e of jobs) {
    if (e.energy_joules === null) continue;
    measured++;
    energy += e.energy_joules;
    co2 += e.co2_grams ?? 0;
  }
  return { energy_joules: round(energy), co2_grams: round(co2), jobs: measured, unmeasured: jobs.length - measured };
}

/** Sums per key over the jobs with measured energy; largest CO2e first, then energy, then key. */
function groupsOf(jobs: readonly ReportIndexEntry[], by: Exclude<Co2By, 'job'>): Co2Group[] {
  const sums = new Map<string, { energy: number; co2: number; jobs: number }>();
  for (const e of jobs) {
    if (e.energy_joules === null) continue; // counted in total.unmeasured
    const key = e[by] ?? UNKNOWN_KEY;
    const s = sums.get(key) ?? { energy: 0, co2: 0, jobs: 0 };
    s.energy += e.energy_joules;
    s.co2 += e.co2_grams ?? 0;
    s.jobs++;
    sums.set(key, s);
  }
  const rows = [...sums].map(([key, s]) => ({
    key,
    energy_joules: round(s.energy),
    co2_grams: round(s.co2),
    jobs: s.jobs,
  }));
  return rows.sort(
    (a, b) => b.co2_grams - a.co2_grams || b.energy_joules - a.energy_joules || (a.key < b.key ? -1 : 1),
  );
}

function rowOf(e: ReportIndexEntry): Co2Row {
  return {
    key: e.jobid,
    jobid: e.jobid,
    displayId: e.display_id,
    user: e.user,
    account: e.account,
    partition: e.partition,
    end_time: e.end_time!,
    energy_joules: e.energy_joules,
    co2_grams: e.co2_grams,
  };
}

/** A prepared CO2 answer and a hash of its content but `from`/`to` (which move every cycle). */
export interface Co2Body extends PreparedBody {
  /** sha256 (16 hex) of everything but the window's ends: the same until a job ends or leaves the window. */
  readonly contentTag: string;
}

/** An answer's tail: the small fields, then the rows serialized in slices; tagged by content. */
async function co2Body(answer: Co2Answer, pace?: PaceOptions): Promise<Co2Body> {
  const { rows, from, to, ...rest } = answer;
  const first = objectTail({ from, to, ...rest });
  const rowsTail = await runPaced(arrayTailSteps('rows', rows), pace);
  const contentTag = createHash('sha256').update(JSON.stringify(rest)).update(rowsTail).digest('hex').slice(0, 16);
  // `,"from":…,"total":{…}}\n` without its `}\n`, then `,"rows":[…]}\n`.
  const body = await prepareBody(Buffer.concat([first.subarray(0, first.length - 2), rowsTail]));
  return { ...body, contentTag };
}

/** One request's window and grouping; `user` (by=job for a user) lists only that user's jobs. */
export interface Co2Request {
  readonly windowMs: number;
  readonly by: Co2By;
  readonly user?: string;
}

/**
 * The CO2 answers of the current cycle: the archive's entries of the longest window read once per
 * cycle; the answers for all users of `cachedWindowsMs` (portal.co2Window and
 * {@link CO2_CACHED_HOURS}) × {@link CO2_BY} kept for the cycle (at most 20), any other built per
 * request.
 */
export class Co2Answers {
  private cycle = -1;
  private sorted: ReportIndexEntry[] | undefined;
  private readonly bodies = new Map<string, Promise<Co2Body>>();
  private readonly cachedWindowsMs: ReadonlySet<number>;

  constructor(
    defaultWindowMs: number,
    private readonly pace?: PaceOptions,
  ) {
    this.cachedWindowsMs = new Set([defaultWindowMs, ...CO2_CACHED_HOURS.map((h) => h * HOUR_MS)]);
  }

  /** The body for the window ending at the cycle's time; `rows(sinceMs)` reads the archive's index. */
  body(
    cycle: { readonly cycle: number; readonly nowMs: number },
    req: Co2Request,
    rows: (sinceMs: number) => readonly ReportIndexEntry[],
  ): Promise<Co2Body> {
    if (cycle.cycle !== this.cycle) {
      this.cycle = cycle.cycle;
      this.sorted = undefined;
      this.bodies.clear();
    }
    const key = req.user === undefined && this.cachedWindowsMs.has(req.windowMs) ? `${req.windowMs}:${req.by}` : '';
    const cached = this.bodies.get(key);
    if (cached !== undefined) return cached;
    this.sorted ??= newestFirst(rows(cycle.nowMs - MAX_CO2_HOURS * HOUR_MS), cycle.nowMs);
    const body = co2Body(co2Answer(this.sorted, cycle.nowMs, req.windowMs, req.by, req.user), this.pace);
    if (key !== '') {
      this.bodies.set(key, body);
      // A failed serialization is not kept: the next request tries again.
      body.catch(() => {
        if (this.bodies.get(key) === body) this.bodies.delete(key);
      });
    }
    return body;
  }

  /** How many answers the cycle keeps now (bounded by the cached windows × {@link CO2_BY}). */
  get cachedCount(): number {
    return this.bodies.size;
  }
}
