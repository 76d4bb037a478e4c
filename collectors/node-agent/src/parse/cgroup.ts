import { ParseError } from '@slurmscope/common';

/**
 * Pure parsers of cgroup v1 and v2 interface files (kernel Documentation/admin-guide/cgroup-v2.rst,
 * Documentation/admin-guide/cgroup-v1/{memory,cpuacct,cpusets}.rst). Every parser takes the file's
 * text and the path it came from (for the error message) and throws ParseError on malformed input.
 */

/**
 * cgroup v1 reports "no limit" as PAGE_COUNTER_MAX pages in bytes: 9223372036854771712 on 4 KiB
 * pages (LONG_MAX rounded down to a page), other values on other page sizes. Anything at or above
 * 2^62 bytes (4 EiB) is no real limit, so it is read as "unlimited".
 */
export const V1_UNLIMITED_BYTES = 2 ** 62;

const INTEGER = /^-?\d+$/;
const CPU_RANGE = /^(\d+)(?:-(\d+))?$/;
const JOB_DIR = /^job_(.+)$/;
const NUMERIC_ID = /^\d+$/;
const SLUID = /^[A-Za-z0-9]+$/;
/** The `some` line of a PSI file: `some avg10=0.00 avg60=0.00 avg300=0.00 total=0` (psi.c, psi_show). */
const PSI_SOME = /^some avg10=\d+\.\d\d avg60=(\d+\.\d\d) avg300=\d+\.\d\d total=\d+$/;

/**
 * Parses a flat-keyed file ("key value" per line: memory.stat, cpu.stat) into a map. Scans with
 * indexOf rather than a regex per line: memory.stat has ~45 lines and is read for every job.
 */
export function parseFlatKeyed(text: string, source: string): Map<string, number> {
  const out = new Map<string, number>();
  const n = text.length;
  let start = 0;
  while (start < n) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = n;
    if (end > start) {
      const sp = text.indexOf(' ', start);
      const value = sp > start && sp < end - 1 ? text.slice(sp + 1, end) : '';
      if (!INTEGER.test(value)) throw new ParseError(source, 'expected "key value"', text.slice(start, end));
      out.set(text.slice(start, sp), Number(value));
    }
    start = end + 1;
  }
  return out;
}

/**
 * The value of one `key value` line of a flat-keyed file (memory.stat, cpu.stat) without parsing
 * the others: a cycle needs two of memory.stat's ~40 keys, and this is its hottest parse.
 * Throws a ParseError naming the file when the key is missing or its line is malformed.
 */
export function parseFlatKey(text: string, key: string, source: string): number {
  const prefix = `${key} `;
  let start = text.startsWith(prefix) ? 0 : text.indexOf(`\n${prefix}`);
  if (start < 0) throw new ParseError(source, `missing key "${key}"`);
  if (start > 0 || !text.startsWith(prefix)) start += 1;
  let end = text.indexOf('\n', start);
  if (end < 0) end = text.length;
  const value = text.slice(start + prefix.length, end);
  if (!INTEGER.test(value)) throw new ParseError(source, 'expected "key value"', text.slice(start, end));
  return Number(value);
}

/** Returns a key of a flat-keyed file, or throws naming the missing key. */
export function requireKey(map: ReadonlyMap<string, number>, key: string, source: string): number {
  const v = map.get(key);
  if (v === undefined) throw new ParseError(source, `missing key "${key}"`);
  return v;
}

/** Parses a single-value file holding one integer (cpuacct.usage, memory.current, memory.peak). */
export function parseInteger(text: string, source: string): number {
  const t = text.trim();
  if (!INTEGER.test(t)) throw new ParseError(source, 'expected one integer', t);
  return Number(t);
}

/** Parses v2 `memory.max`: bytes, or undefined for "max" (no limit). */
export function parseMemoryMax(text: string, source: string): number | undefined {
  const t = text.trim();
  return t === 'max' ? undefined : parseInteger(t, source);
}

/** Parses v1 `memory.limit_in_bytes`: bytes, or undefined for the "unlimited" sentinel. */
export function parseV1Limit(text: string, source: string): number | undefined {
  const v = parseInteger(text, source);
  return v >= V1_UNLIMITED_BYTES ? undefined : v;
}

/**
 * The `oom_kill` count of v2 `memory.events` or v1 `memory.oom_control` (both flat-keyed): processes
 * of the cgroup and its descendants the OOM killer killed. Undefined when the kernel has no such line
 * (v1 before 4.13 has only `oom_kill_disable` and `under_oom`): unknown, not 0.
 */
export function parseOomKills(text: string, source: string): number | undefined {
  return parseFlatKeyed(text, source).get('oom_kill');
}

/**
 * The share of the last minute in which some task of the cgroup stalled on memory (reclaim,
 * swap-in, thrashing): `memory.pressure`'s `some avg60`, a percentage, as a ratio 0..1
 * (kernel Documentation/accounting/psi.rst). The `full` line is not read.
 */
export function parsePressureAvg60(text: string, source: string): number {
  const end = text.indexOf('\n');
  const line = end < 0 ? text : text.slice(0, end);
  const m = PSI_SOME.exec(line);
  if (!m) throw new ParseError(source, 'expected "some avg10=.. avg60=.. avg300=.. total=.."', line);
  const percent = Number(m[1]);
  if (percent > 100) throw new ParseError(source, 'avg60 above 100 %', line);
  return percent / 100;
}

/** Parses a kernel CPU list ("0-3,8,10-11", empty for none) into sorted, unique CPU numbers. */
export function parseCpuList(text: string, source: string): number[] {
  const t = text.trim();
  if (t === '') return [];
  const cpus = new Set<number>();
  for (const part of t.split(',')) {
    const m = CPU_RANGE.exec(part);
    if (!m) throw new ParseError(source, 'bad CPU list element', part);
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    if (hi < lo || hi - lo > 65536) throw new ParseError(source, 'bad CPU range', part);
    for (let c = lo; c <= hi; c++) cpus.add(c);
  }
  return [...cpus].sort((a, b) => a - b);
}

/** Parses `cgroup.procs` / `tasks`: one PID per line. */
export function parsePidList(text: string, source: string): number[] {
  const pids: number[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    if (!NUMERIC_ID.test(line)) throw new ParseError(source, 'expected one PID per line', line);
    pids.push(Number(line));
  }
  return pids;
}

/** What a `job_*` directory name holds: a numeric Slurm job id, or a SLUID (Slurm 26.05+). */
export type JobDirName =
  { readonly kind: 'jobid'; readonly jobid: string } | { readonly kind: 'sluid'; readonly sluid: string };

/**
 * Classifies a cgroup directory name: `job_123` → job id "123"; `job_<alphanumeric>` → a SLUID
 * (Slurm 26.05 may name job folders by its unique id, which is not the job id users see: reported
 * separately rather than mislabelled); anything else (step_*, uid_*, files) → undefined.
 */
export function parseJobDirName(name: string): JobDirName | undefined {
  const m = JOB_DIR.exec(name);
  if (!m) return undefined;
  const id = m[1] as string;
  if (NUMERIC_ID.test(id)) return { kind: 'jobid', jobid: id };
  return SLUID.test(id) ? { kind: 'sluid', sluid: id } : undefined;
}

/** Parses a `uid_<n>` directory name (cgroup v1) into the number, else undefined. */
export function parseUidDirName(name: string): number | undefined {
  if (!name.startsWith('uid_')) return undefined;
  const id = name.slice(4);
  return NUMERIC_ID.test(id) ? Number(id) : undefined;
}
