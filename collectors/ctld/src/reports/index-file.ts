import type { JobReport, ReportIndexEntry } from './types.js';

/** A job id as users and the archive name it: raw `1234`, array `1234_5`, het `1234+1`. */
export const JOB_ID = /^\d+(?:[_+]\d+)?$/;

/** The index entry of a report. */
export function indexEntry(r: JobReport, writtenAtMs: number): ReportIndexEntry {
  return {
    jobid: r.jobid,
    display_id: r.display_id,
    user: r.user,
    state: r.state,
    end_time: r.end_time,
    written_at: new Date(writtenAtMs).toISOString(),
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
  return { jobid, display_id: display, user, state, end_time: end, written_at: written };
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
