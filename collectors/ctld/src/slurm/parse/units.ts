import type { GresCount } from '../types.js';

const MEBI = 1024 * 1024;
const UNIT_FACTOR: Readonly<Record<string, number>> = {
  K: 1 / 1024,
  M: 1,
  G: 1024,
  T: 1024 * 1024,
  P: 1024 * 1024 * 1024,
};

/**
 * Converts a Slurm memory size (`500M`, `2G`, `1.50T`, `4000` = MiB; a trailing `c`/`n` of
 * squeue's per-CPU/per-node marker is ignored) to bytes; undefined when it is not a size.
 */
export function parseMemoryBytes(text: string): number | undefined {
  let s = text.trim();
  if (s === '') return undefined;
  const last = s[s.length - 1];
  if (last === 'c' || last === 'n') s = s.slice(0, -1);
  const unit = s[s.length - 1] ?? '';
  const factor = UNIT_FACTOR[unit.toUpperCase()];
  const num = Number(factor === undefined ? s : s.slice(0, -1));
  if (!Number.isFinite(num) || num < 0 || s === '') return undefined;
  return Math.round(num * (factor ?? 1) * MEBI);
}

/** Parses a TRES string (`cpu=2,mem=1000M,node=2,gres/gpu:a100=2`) into a name → value map (mem in bytes). */
export function parseTres(text: string): Map<string, number> {
  const out = new Map<string, number>();
  const s = text.trim();
  if (s === '' || s === 'N/A' || s === '(null)') return out;
  for (const part of s.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const key = part.slice(0, eq);
    const raw = part.slice(eq + 1);
    const value = key === 'mem' || key === 'vmem' ? parseMemoryBytes(raw) : parseCount(raw);
    if (value !== undefined) out.set(key, value);
  }
  return out;
}

/** GPUs in a TRES map: the total (`gres/gpu`) and the per-type counts (`gres/gpu:a100`). */
export function gpusFromTres(tres: ReadonlyMap<string, number>): { total: number; byType: Record<string, number> } {
  const byType: Record<string, number> = {};
  let typed = 0;
  for (const [key, value] of tres) {
    if (key.startsWith('gres/gpu:')) {
      byType[key.slice('gres/gpu:'.length)] = value;
      typed += value;
    }
  }
  const total = tres.get('gres/gpu') ?? typed;
  if (total > typed) byType[''] = total - typed;
  return { total, byType };
}

/**
 * Parses a GRES list as Slurm prints it (`gpu:a100:4(S:0-1),gpu:2,shard:8`, used lists like
 * `gpu:tesla:1(IDX:0)`, `gpu:(null):0(IDX:N/A)`); entries whose count is not a number are skipped.
 */
export function parseGres(text: string): GresCount[] {
  const out: GresCount[] = [];
  const s = text.trim();
  if (s === '' || s === '(null)' || s === 'N/A') return out;
  for (const raw of splitOutsideParens(s)) {
    // "gpu:(null):0(IDX:N/A)": an absent type is printed as "(null)".
    const entry = raw.replace('(null)', '');
    const paren = entry.indexOf('(');
    const spec = paren < 0 ? entry : entry.slice(0, paren);
    const fields = spec.split(':');
    const name = fields[0] ?? '';
    if (name === '') continue;
    let type = '';
    let count: number | undefined = 1;
    if (fields.length === 2) count = parseCount(fields[1] ?? '');
    else if (fields.length >= 3) {
      type = fields[1] ?? '';
      count = parseCount(fields[2] ?? '');
    }
    if (count !== undefined) out.push({ name, type, count });
  }
  return out;
}

/** Sums the counts of one GRES name by type ("" for untyped). */
export function gresByType(list: readonly GresCount[], name: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const g of list) if (g.name === name) out.set(g.type, (out.get(g.type) ?? 0) + g.count);
  return out;
}

/** A non-negative count with an optional K/M/G multiplier (GRES counts may use them). */
function parseCount(text: string): number | undefined {
  const last = text[text.length - 1] ?? '';
  const mult = last === 'K' ? 1e3 : last === 'M' ? 1e6 : last === 'G' ? 1e9 : 1;
  const num = Number(mult === 1 ? text : text.slice(0, -1));
  return text !== '' && Number.isFinite(num) && num >= 0 ? num * mult : undefined;
}

function splitOutsideParens(s: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '(') depth++;
    else if (c === ')') depth = Math.max(0, depth - 1);
    else if (c === ',' && depth === 0) {
      parts.push(s.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(s.slice(start));
  return parts;
}

/** Parses a Slurm duration (`30:00`, `1:00:00`, `1-00:00:00`, `2-12`, `45`) to seconds; undefined for UNLIMITED/INFINITE/N/A. */
export function parseSlurmDuration(text: string): number | undefined {
  const s = text.trim();
  if (s === '' || s === 'UNLIMITED' || s === 'INFINITE' || s === 'N/A' || s === 'NONE' || s === 'NOT_SET') {
    return undefined;
  }
  const dash = s.indexOf('-');
  const days = dash < 0 ? 0 : Number(s.slice(0, dash));
  const rest = (dash < 0 ? s : s.slice(dash + 1)).split(':').map(Number);
  if (!Number.isInteger(days) || rest.some((n) => !Number.isInteger(n) || n < 0)) return undefined;
  let h = 0;
  let m = 0;
  let sec = 0;
  // Slurm: "M", "M:S", "H:M:S", "D-H", "D-H:M", "D-H:M:S".
  if (dash >= 0) [h = 0, m = 0, sec = 0] = rest;
  else if (rest.length === 1) [m = 0] = rest;
  else if (rest.length === 2) [m = 0, sec = 0] = rest;
  else if (rest.length === 3) [h = 0, m = 0, sec = 0] = rest;
  else return undefined;
  if (rest.length > 3) return undefined;
  return ((days * 24 + h) * 60 + m) * 60 + sec;
}

/** What {@link jobEndTimeMs} reads: Slurm's end time and the start and limit it falls back on. */
export interface JobTimes {
  /** Slurm's EndTime in ms; undefined, 0 or NaN when it printed none (NONE, Unknown, N/A). */
  readonly endMs?: number;
  readonly startMs?: number;
  /** Undefined for UNLIMITED. */
  readonly limitSeconds?: number;
}

/**
 * A job's end time by its time limit (ms): Slurm's own EndTime where it gave one, else start +
 * limit. Undefined for UNLIMITED: slurmctld then keeps start + 1 year as end_time (and squeue
 * prints NONE), which is no end at all; undefined too when neither is known.
 */
export function jobEndTimeMs({ endMs, startMs, limitSeconds }: JobTimes): number | undefined {
  if (limitSeconds === undefined) return undefined;
  if (endMs !== undefined && Number.isFinite(endMs) && endMs > 0) return endMs;
  return startMs === undefined || !Number.isFinite(startMs) ? undefined : startMs + limitSeconds * 1000;
}
