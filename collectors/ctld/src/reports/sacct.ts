import { ParseError } from '@slurmscope/common';
import { parseSlurmDuration } from '../slurm/parse/units.js';

/** The `sacct -o` fields ctld reads for ended jobs; none is free text, so `|` cannot occur inside. */
export const SACCT_FIELDS = ['JobIDRaw', 'JobID', 'State', 'ExitCode', 'Start', 'End', 'Elapsed', 'TotalCPU'] as const;

/** The final record of one job from slurmdbd. */
export interface SacctRecord {
  readonly jobid: string;
  /** As sacct prints JobID: `1234_5`, `1234+1` or the raw id. */
  readonly displayId: string;
  /** Base state, upper case: "CANCELLED by 0" becomes CANCELLED. */
  readonly state: string;
  readonly exitCode: string;
  readonly startMs?: number;
  readonly endMs?: number;
  readonly elapsedSeconds?: number;
  /**
   * User + system CPU seconds Slurm accounted over all the job's steps (TotalCPU); 0 where
   * `JobAcctGatherType=jobacct_gather/none`.
   */
  readonly totalCpuSeconds?: number;
}

/** States after which a job does not run again under its id. */
export const TERMINAL_STATES: ReadonlySet<string> = new Set([
  'COMPLETED',
  'FAILED',
  'CANCELLED',
  'TIMEOUT',
  'OUT_OF_MEMORY',
  'NODE_FAIL',
  'PREEMPTED',
  'BOOT_FAIL',
  'DEADLINE',
]);

/**
 * Arguments of the one record query per cycle for all jobs that ended in it. Not `-X`: with it,
 * the job's line has TotalCPU 00:00:00 (22.05); without it the job's line sums its steps, and the
 * step lines that come with it are skipped.
 */
export function sacctRecordArgs(jobids: readonly string[]): string[] {
  return ['-P', '-n', '-j', jobids.join(','), '-o', SACCT_FIELDS.join(',')];
}

/** Arguments of the one batch-script query per cycle (`AccountingStoreFlags=job_script`). */
export function sacctScriptArgs(jobids: readonly string[]): string[] {
  return ['-B', '-j', jobids.join(',')];
}

/**
 * Parses `sacct -P -n -o <SACCT_FIELDS>` into records by raw id, skipping step lines (`28.0`,
 * `28.batch`). `-j 8` also lists every task of array 8, so callers pick the ids they asked for.
 * Times are sacct's local time.
 */
export function parseSacctRecords(text: string, source = 'sacct'): Map<string, SacctRecord> {
  const out = new Map<string, SacctRecord>();
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const f = line.split('|');
    if (f.length !== SACCT_FIELDS.length) {
      throw new ParseError(source, `expected ${SACCT_FIELDS.length} fields separated by "|"`, line);
    }
    const [jobid = '', displayId = '', state = '', exitCode = '', start = '', end = '', elapsed = '', cpu = ''] = f;
    if (STEP_ID.test(jobid)) continue;
    if (!/^\d+$/.test(jobid)) throw new ParseError(source, 'JobIDRaw is not a number', line);
    const totalCpuSeconds = parseSacctCpuTime(cpu);
    if (totalCpuSeconds === undefined) throw new ParseError(source, `TotalCPU "${cpu}" is not a duration`, line);
    const startMs = parseSacctTime(start);
    const endMs = parseSacctTime(end);
    const elapsedSeconds = parseSlurmDuration(elapsed);
    out.set(jobid, {
      jobid,
      displayId,
      state: (state.split(' ')[0] ?? '').toUpperCase(),
      exitCode,
      ...(startMs === undefined ? {} : { startMs }),
      ...(endMs === undefined ? {} : { endMs }),
      ...(elapsedSeconds === undefined ? {} : { elapsedSeconds }),
      totalCpuSeconds,
    });
  }
  return out;
}

/** A step's raw id: `28.0`, `28.batch`, `28.extern`, `28.interactive`. */
const STEP_ID = /^\d+\.\w+$/;

/**
 * sacct's CPU times: `MM:SS.mmm` under an hour, `HH:MM:SS` under a day, `D-HH:MM:SS` beyond
 * (Slurm's `_elapsed_time`); seconds, with the milliseconds where printed.
 */
export function parseSacctCpuTime(text: string): number | undefined {
  const m = /^((?:\d+-)?[\d:]+?)(?:\.(\d{1,3}))?$/.exec(text.trim());
  if (m === null) return undefined;
  const whole = parseSlurmDuration(m[1]!);
  if (whole === undefined) return undefined;
  return m[2] === undefined ? whole : whole + Number(m[2].padEnd(3, '0')) / 1000;
}

const SACCT_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/;

/** sacct's "2026-11-25T03:23:02" (local time); undefined for Unknown, None and blanks. */
export function parseSacctTime(text: string): number | undefined {
  if (!SACCT_TIME.test(text)) return undefined;
  const t = new Date(text).getTime();
  return Number.isNaN(t) ? undefined : t;
}

const SCRIPT_HEADER = /^Batch Script for (\S+)\n-{20,}\n/gm;

/**
 * Parses `sacct -B -j ...`: per job a "Batch Script for <JobID>" line, a rule of dashes, the
 * script, and one newline that sacct adds. Keyed by the JobID as printed (`8_1`, `10+0`, `7`);
 * with `expect`, only those ids are returned (`-j 8` lists every task of array 8).
 */
export function parseSacctScripts(text: string, expect?: ReadonlySet<string>): Map<string, string> {
  const heads: { id: string; start: number; bodyStart: number }[] = [];
  for (const m of text.matchAll(SCRIPT_HEADER)) {
    const id = m[1] ?? '';
    heads.push({ id, start: m.index, bodyStart: m.index + m[0].length });
  }
  const out = new Map<string, string>();
  heads.forEach((h, i) => {
    const end = heads[i + 1]?.start ?? text.length;
    let body = text.slice(h.bodyStart, end);
    if (body.endsWith('\n')) body = body.slice(0, -1);
    if (expect === undefined || expect.has(h.id)) out.set(h.id, body);
  });
  return out;
}
