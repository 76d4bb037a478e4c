import { DataFrame } from '@grafana/data';
import { ReadResult } from '../../../common/src/fields';
import { SortMode, WebjobsOptions } from '../types';
import { Cell, CellContext, WebjobCell } from './cell';
import { normalizeThresholds, rowLabel, Thresholds } from './labels';
import { RawColumns, readFrames } from './read';

export type { WebjobCell } from './cell';

/** One running job: its cells (nodes in natural order), figures, findings and words. */
export interface WebjobRow {
  readonly jobid: string;
  /** The job's user, '' when the data has none. */
  readonly user: string;
  readonly cells: readonly WebjobCell[];
  /** Mean utilization over the nodes with a value; undefined when none has one. */
  readonly mean?: number;
  /** (max − min) / max over the nodes with a value (0 for one, or max 0); undefined when none. */
  readonly imbalance?: number;
  /** Active finding kinds (uneven_load, ...). */
  readonly findings: readonly string[];
  /** The row in words, for its aria-label. */
  readonly label: string;
}

/** The panel's data, sorted as the options say. */
export interface Shaped {
  readonly rows: readonly WebjobRow[];
  /** The most nodes of any job (sizes the cells). */
  readonly maxNodes: number;
  readonly thresholds: Thresholds;
  readonly warnings: readonly string[];
}

interface JobAcc {
  user: string;
  readonly nodes: Map<string, Cell>;
}

// Natural order: node-2 before node-10, job 99 before 100.
const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/** Compares job ids or node names naturally ("2" < "10"). */
export const naturalCompare = (a: string, b: string): number => collator.compare(a, b);

/**
 * Shapes the query result into sorted rows of cells: rows of the same job and node are joined
 * (utilizations averaged, e.g. several GPUs of a node), findings attached, missing values kept as
 * "no data" cells. A missing or wrongly typed field is a message naming it. Pure.
 */
export function shapeWebjobs(frames: readonly DataFrame[], options: WebjobsOptions): ReadResult<Shaped> {
  const read = readFrames(frames, options);
  if (!read.ok) {
    return read;
  }
  const thresholds = normalizeThresholds(options.lowThreshold, options.goodThreshold);
  const ctx: CellContext = { metric: options.metric, thresholds };
  const jobs = new Map<string, JobAcc>();
  let skipped = 0;
  for (const cols of read.value.jobs) {
    skipped += accumulate(cols, jobs, ctx);
  }
  const rank = nodeRanks(jobs);
  const rows: WebjobRow[] = [];
  let maxNodes = 0;
  for (const [jobid, job] of jobs) {
    const row = toRow({ jobid, job, findings: read.value.findings.get(jobid) ?? [], o: options, rank });
    rows.push(row);
    maxNodes = Math.max(maxNodes, row.cells.length);
  }
  rows.sort(comparator(options.sort));
  const warnings = [...read.value.warnings];
  if (skipped > 0) {
    warnings.push(`${skipped} ${skipped === 1 ? 'row' : 'rows'} without a job id or node left out.`);
  }
  return { ok: true, value: { rows, maxNodes, thresholds, warnings } };
}

/** A value as text: strings as they are, numbers as written, null/undefined as ''. */
function text(v: unknown): string {
  return typeof v === 'string' ? v : v === null || v === undefined ? '' : String(v);
}

/** A value as a finite number, or undefined (null, NaN, text). */
function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** Adds one frame's rows to the jobs; returns how many rows had no job id or node. */
function accumulate(c: RawColumns, jobs: Map<string, JobAcc>, ctx: CellContext): number {
  const { jobid: ids, node: nodes, cpu, gpu, user: users, mem } = c;
  const n = ids?.length ?? 0;
  let skipped = 0;
  // Rows come grouped by job in every source we know (one job's nodes together): skip the lookup then.
  let lastId = '';
  let job: JobAcc | undefined;
  for (let i = 0; i < n; i++) {
    const id = text(ids?.[i]);
    const node = text(nodes?.[i]);
    if (!id || !node) {
      skipped++;
      continue;
    }
    if (id !== lastId || job === undefined) {
      lastId = id;
      job = jobs.get(id);
      if (job === undefined) {
        jobs.set(id, (job = { user: '', nodes: new Map() }));
      }
    }
    if (!job.user && users !== undefined) {
      job.user = text(users[i]);
    }
    let cell = job.nodes.get(node);
    if (cell === undefined) {
      job.nodes.set(node, (cell = new Cell(id, node, ctx)));
    }
    cell.add(num(cpu?.[i]), num(gpu?.[i]), num(mem?.[i]));
  }
  return skipped;
}

/**
 * Each distinct node's place in natural order. Sorting each job's nodes with the collator cost
 * ~200k collator calls for 500 jobs × 64 nodes; ranking the distinct names once costs a few thousand.
 */
function nodeRanks(jobs: ReadonlyMap<string, JobAcc>): Map<string, number> {
  const names = new Set<string>();
  for (const job of jobs.values()) {
    for (const node of job.nodes.keys()) {
      names.add(node);
    }
  }
  const rank = new Map<string, number>();
  [...names].sort(naturalCompare).forEach((n, i) => rank.set(n, i));
  return rank;
}

interface RowInput {
  readonly jobid: string;
  readonly job: JobAcc;
  readonly findings: readonly string[];
  readonly o: WebjobsOptions;
  readonly rank: ReadonlyMap<string, number>;
}

function toRow({ jobid, job, findings, o, rank }: RowInput): WebjobRow {
  // Sort by rank with a typed array: key = rank × 2^16 + the node's index in the job (a job spans < 65,536 nodes).
  const unsorted = [...job.nodes.values()];
  const keys = new Float64Array(unsorted.length);
  for (let i = 0; i < unsorted.length; i++) {
    keys[i] = (rank.get((unsorted[i] as Cell).node) ?? 0) * 65536 + i;
  }
  keys.sort();
  const cells: Cell[] = new Array(unsorted.length);
  let sum = 0;
  let n = 0;
  let max = -Infinity;
  let min = Infinity;
  for (let i = 0; i < unsorted.length; i++) {
    const cell = unsorted[(keys[i] as number) % 65536] as Cell;
    cells[i] = cell;
    const value = cell.value;
    if (value === undefined) {
      continue;
    }
    sum += value;
    n++;
    max = Math.max(max, value);
    min = Math.min(min, value);
  }
  const mean = n > 0 ? sum / n : undefined;
  const imbalance = n === 0 ? undefined : n < 2 || max <= 0 ? 0 : (max - min) / max;
  const user = o.showUser ? job.user : '';
  const label = rowLabel({ jobid, user, nodes: cells.length, metric: o.metric, mean, imbalance, findings });
  return { jobid, user: job.user, cells, mean, imbalance, findings, label };
}

/** undefined sorts last whichever the direction. */
function byNumber(a: number | undefined, b: number | undefined, dir: 1 | -1): number {
  if (a === undefined || b === undefined) {
    return a === b ? 0 : a === undefined ? 1 : -1;
  }
  return (a - b) * dir;
}

/** The row order of a sort mode: uneven (imbalance desc, mean asc), idle (mean asc, imbalance desc), jobid. */
export function comparator(mode: SortMode): (a: WebjobRow, b: WebjobRow) => number {
  if (mode === 'jobid') {
    return (a, b) => naturalCompare(a.jobid, b.jobid);
  }
  if (mode === 'idle') {
    return (a, b) =>
      byNumber(a.mean, b.mean, 1) || byNumber(a.imbalance, b.imbalance, -1) || naturalCompare(a.jobid, b.jobid);
  }
  return (a, b) =>
    byNumber(a.imbalance, b.imbalance, -1) || byNumber(a.mean, b.mean, 1) || naturalCompare(a.jobid, b.jobid);
}
