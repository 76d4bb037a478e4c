import type { JobReport, ReportIndexEntry } from './types.js';

/**
 * A job id as users and the archive name it: raw `1234`, array `1234_5`, het `1234+1`. Slurm's
 * ids are 32-bit, so each number has at most 10 digits (a 5,000-digit id is no file name).
 */
export const JOB_ID = /^\d{1,10}(?:[_+]\d{1,10})?$/;

/** True for a job id Slurm could have issued: {@link JOB_ID}, each number below 2^32. */
export function isJobId(id: string): boolean {
  return JOB_ID.test(id) && id.split(/[_+]/).every((n) => Number(n) <= 0xffffffff);
}

/** The index entry of a report. */
export function indexEntry(r: JobReport, writtenAtMs: number): ReportIndexEntry {
  return {
    jobid: r.jobid,
    display_id: r.display_id,
    user: r.user,
    state: r.state,
    end_time: r.end_time,
    written_at: new Date(writtenAtMs).toISOString(),
    account: r.account,
    partition: r.partition,
    energy_joules: r.energy_joules,
    co2_grams: r.co2_grams,
  };
}

/** The index line of an entry (JSON, one line, newline-terminated). */
export function formatIndexLine(e: ReportIndexEntry): string {
  return `${JSON.stringify(e)}\n`;
}

/**
 * Parses the index (JSON lines). `corrupt` is true when a line is not a valid entry or the
 * last line lacks its newline (a crash mid-append): the caller then rebuilds from the reports.
 */
export function parseIndex(text: string): { entries: ReportIndexEntry[]; corrupt: boolean } {
  const entries: ReportIndexEntry[] = [];
  if (text === '') return { entries, corrupt: false };
  const lines = text.split('\n');
  const last = lines.pop();
  let corrupt = last !== '';
  for (const line of lines) {
    const e = parseEntry(line);
    if (e === undefined) corrupt = true;
    else entries.push(e);
  }
  return { entries, corrupt };
}

function parseEntry(line: string): ReportIndexEntry | undefined {
  let o: unknown;
  try {
    o = JSON.parse(line);
  } catch {
    return undefined; // reported by the caller as a corrupt index, which is then rebuilt
  }
  return entryOf(o);
}

/**
 * The index entry of a report from the head of its file (see `readReportHead`): the whole
 * report when it fitted, else the fields before `"nodes"` (ctld writes ids, user, account,
 * partition, state and times first; energy and CO2 come later and are then null). Undefined
 * when the head holds no valid entry for `jobid` (the file's name).
 */
export function entryFromHead(
  head: { text: string; complete: boolean },
  jobid: string,
  writtenAtMs: number,
): ReportIndexEntry | undefined {
  let text = head.text;
  if (!head.complete) {
    // Inside a JSON string every quote is escaped, so `,"nodes":` can only be the key.
    const cut = text.indexOf(',"nodes":');
    if (cut < 0) return undefined;
    text = `${text.slice(0, cut)}}`;
  }
  let o: unknown;
  try {
    o = JSON.parse(text);
  } catch {
    return undefined; // the caller logs and counts the file as unreadable
  }
  if (typeof o !== 'object' || o === null) return undefined;
  const e = entryOf({ ...(o as Record<string, unknown>), written_at: new Date(writtenAtMs).toISOString() });
  return e?.jobid === jobid ? e : undefined;
}

function entryOf(o: unknown): ReportIndexEntry | undefined {
  if (typeof o !== 'object' || o === null) return undefined;
  const r = o as Record<string, unknown>;
  const str = (k: string): string | undefined => (typeof r[k] === 'string' ? (r[k] as string) : undefined);
  const jobid = str('jobid');
  const display = str('display_id');
  const user = str('user');
  const state = str('state');
  const written = str('written_at');
  const end = r.end_time === null ? null : str('end_time');
  if (jobid === undefined || !JOB_ID.test(jobid) || display === undefined || user === undefined) return undefined;
  if (state === undefined || written === undefined || end === undefined) return undefined;
  // Fields added later: absent (older lines, a head cut before them) or of another type read as null.
  const num = (k: string): number | null => (typeof r[k] === 'number' && Number.isFinite(r[k]) ? r[k] : null);
  return {
    jobid,
    display_id: display,
    user,
    state,
    end_time: end,
    written_at: written,
    account: str('account') ?? null,
    partition: str('partition') ?? null,
    energy_joules: num('energy_joules'),
    co2_grams: num('co2_grams'),
  };
}

/**
 * The entries that ended at or after `sinceMs`. End times are ctld's own ISO 8601 UTC strings
 * (toISOString), so they compare as text: no date is parsed per entry. Pure.
 */
export function endedSince(entries: Iterable<ReportIndexEntry>, sinceMs: number): ReportIndexEntry[] {
  const since = new Date(sinceMs).toISOString();
  const out: ReportIndexEntry[] = [];
  for (const e of entries) if (e.end_time !== null && e.end_time >= since) out.push(e);
  return out;
}

/** Newest first by end time (then written time), optionally one user's, at most `limit`. */
export function selectEntries(
  entries: Iterable<ReportIndexEntry>,
  opts: { user?: string; limit?: number },
): ReportIndexEntry[] {
  const key = (e: ReportIndexEntry): string => e.end_time ?? e.written_at;
  const out = [...entries].filter((e) => opts.user === undefined || e.user === opts.user);
  out.sort((a, b) => (key(a) < key(b) ? 1 : key(a) > key(b) ? -1 : 0));
  return opts.limit === undefined ? out : out.slice(0, Math.max(0, opts.limit));
}
