// GET /api/v1/co2: energy and CO2e of the jobs whose report ended in a window, from the report
// archive's index (in memory; no report file is read). Each cycle takes the entries of the longest
// window once, newest first; an answer per `hours` is serialized at its first request in a cycle.
import { runPaced, type PaceOptions } from '../slices.js';
import type { ReportIndexEntry } from '../reports/types.js';
import { arrayTailSteps, objectTail, prepareBody, type PreparedBody } from './bodies.js';
import { HttpError } from './http.js';

/** The longest window of GET /api/v1/co2, in hours (7 days). */
export const MAX_CO2_HOURS = 168;

/** Most rows in one answer (the newest); the totals still count every job of the window. */
export const MAX_CO2_ROWS = 10_000;

/** Most `hours` values whose answer is kept per cycle; others are serialized per request. */
export const MAX_CO2_CACHED = 8;

const HOUR_MS = 3_600_000;

/** One finished job of the window. Null energy: nothing measured it (or an index line older than the field). */
export interface Co2Row {
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
  readonly total: Co2Total;
  /** Jobs of the window left out of `rows` beyond {@link MAX_CO2_ROWS} (the oldest); counted in `total`. */
  readonly rowsOmitted: number;
  readonly rows: readonly Co2Row[];
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

/** Entries that ended in the last {@link MAX_CO2_HOURS} before `toMs` (and not after it), newest first. Pure. */
export function newestFirst(entries: readonly ReportIndexEntry[], toMs: number): ReportIndexEntry[] {
  const to = new Date(toMs).toISOString();
  const from = new Date(toMs - MAX_CO2_HOURS * HOUR_MS).toISOString();
  const out = entries.filter((e) => e.end_time !== null && e.end_time >= from && e.end_time <= to);
  // ctld writes end times with toISOString: as text they sort as times.
  return out.sort((a, b) => (a.end_time! < b.end_time! ? 1 : a.end_time! > b.end_time! ? -1 : 0));
}

/** The answer for the window [toMs − windowMs, toMs] of entries sorted by {@link newestFirst}. Pure. */
export function co2Answer(sorted: readonly ReportIndexEntry[], toMs: number, windowMs: number): Co2Answer {
  const from = new Date(toMs - windowMs).toISOString();
  let energy = 0;
  let co2 = 0;
  let jobs = 0;
  let unmeasured = 0;
  let n = 0;
  for (; n < sorted.length && sorted[n]!.end_time! >= from; n++) {
    const e = sorted[n]!;
    if (e.energy_joules === null) unmeasured++;
    else {
      jobs++;
      energy += e.energy_joules;
      co2 += e.co2_grams ?? 0;
    }
  }
  const round = (v: number): number => Math.round(v * 1000) / 1000;
  return {
    from,
    to: new Date(toMs).toISOString(),
    hours: windowMs / HOUR_MS,
    total: { energy_joules: round(energy), co2_grams: round(co2), jobs, unmeasured },
    rowsOmitted: Math.max(0, n - MAX_CO2_ROWS),
    rows: sorted.slice(0, Math.min(n, MAX_CO2_ROWS)).map(rowOf),
  };
}

function rowOf(e: ReportIndexEntry): Co2Row {
  return {
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

/** An answer's tail: the small fields, then the rows serialized in slices. */
async function co2Body(answer: Co2Answer, pace?: PaceOptions): Promise<PreparedBody> {
  const { rows, ...head } = answer;
  const first = objectTail(head);
  const rowsTail = await runPaced(arrayTailSteps('rows', rows), pace);
  // `,"from":…,"rowsOmitted":0}\n` without its `}\n`, then `,"rows":[…]}\n`.
  return prepareBody(Buffer.concat([first.subarray(0, first.length - 2), rowsTail]));
}

/**
 * The CO2 answers of the current cycle: the archive's entries of the longest window read once per
 * cycle, each `hours` serialized once (up to {@link MAX_CO2_CACHED} of them; others per request).
 */
export class Co2Answers {
  private cycle = -1;
  private sorted: ReportIndexEntry[] | undefined;
  private readonly bodies = new Map<number, Promise<PreparedBody>>();

  constructor(private readonly pace?: PaceOptions) {}

  /** The body for the window ending at the cycle's time; `rows(sinceMs)` reads the archive's index. */
  body(
    cycle: { readonly cycle: number; readonly nowMs: number },
    windowMs: number,
    rows: (sinceMs: number) => readonly ReportIndexEntry[],
  ): Promise<PreparedBody> {
    if (cycle.cycle !== this.cycle) {
      this.cycle = cycle.cycle;
      this.sorted = undefined;
      this.bodies.clear();
    }
    const cached = this.bodies.get(windowMs);
    if (cached !== undefined) return cached;
    this.sorted ??= newestFirst(rows(cycle.nowMs - MAX_CO2_HOURS * HOUR_MS), cycle.nowMs);
    const body = co2Body(co2Answer(this.sorted, cycle.nowMs, windowMs), this.pace);
    if (this.bodies.size < MAX_CO2_CACHED) {
      this.bodies.set(windowMs, body);
      // A failed serialization is not kept: the next request tries again.
      body.catch(() => {
        if (this.bodies.get(windowMs) === body) this.bodies.delete(windowMs);
      });
    }
    return body;
  }
}
