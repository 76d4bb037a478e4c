import { DataFrame } from '@grafana/data';
import { Columns, finite, ReadResult } from '../../../common/src/fields';
import { SortMode, WebjobsOptions } from '../types';
import { Band, band, cellLabel, normalizeThresholds, rowLabel, Thresholds } from './labels';
import { JobColumn, readFrames } from './read';

/** One node of a job: its utilization in the chosen metric, colour band and words. */
export interface WebjobCell {
  readonly node: string;
  /** The chosen metric's utilization (0..1); undefined when the node reported none (NaN, null, absent). */
  readonly value?: number;
  readonly band: Band;
  /** `job 42 on node-a: CPU 35 %` (aria-label and tooltip). */
  readonly label: string;
  readonly cpu?: number;
  readonly gpu?: number;
  readonly memBytes?: number;
}

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

interface Acc {
  cpuSum: number;
  cpuN: number;
  gpuSum: number;
  gpuN: number;
  mem?: number;
}

interface JobAcc {
  user: string;
  readonly nodes: Map<string, Acc>;
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
  const jobs = new Map<string, JobAcc>();
  let skipped = 0;
  for (const cols of read.value.jobs) {
    skipped += accumulate(cols, jobs);
  }
  const thresholds = normalizeThresholds(options.lowThreshold, options.goodThreshold);
  const rows: WebjobRow[] = [];
  let maxNodes = 0;
  for (const [jobid, job] of jobs) {
    const row = toRow(jobid, job, read.value.findings.get(jobid) ?? [], options, thresholds);
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

/** Adds one frame's rows to the jobs; returns how many rows had no job id or node. */
function accumulate(c: Columns<JobColumn>, jobs: Map<string, JobAcc>): number {
  const ids = c.jobid as readonly string[];
  const nodes = c.node as readonly string[];
  const cpu = c.cpu as readonly number[] | undefined;
  const gpu = c.gpu as readonly number[] | undefined;
  const users = c.user as readonly string[] | undefined;
  const mem = c.mem as readonly number[] | undefined;
  let skipped = 0;
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    const node = nodes[i];
    if (!id || !node) {
      skipped++;
      continue;
    }
    let job = jobs.get(id);
    if (job === undefined) {
      jobs.set(id, (job = { user: '', nodes: new Map() }));
    }
    if (!job.user && users?.[i]) {
      job.user = users[i] ?? '';
    }
    let acc = job.nodes.get(node);
    if (acc === undefined) {
      job.nodes.set(node, (acc = { cpuSum: 0, cpuN: 0, gpuSum: 0, gpuN: 0 }));
    }
    const cv = finite(cpu?.[i]);
    if (cv !== undefined) {
      acc.cpuSum += cv;
      acc.cpuN++;
    }
    const gv = finite(gpu?.[i]);
    if (gv !== undefined) {
      acc.gpuSum += gv;
      acc.gpuN++;
    }
    const mv = finite(mem?.[i]);
    if (mv !== undefined) {
      acc.mem = mv;
    }
  }
  return skipped;
}

function toRow(jobid: string, job: JobAcc, findings: readonly string[], o: WebjobsOptions, t: Thresholds): WebjobRow {
  const names = [...job.nodes.keys()].sort(naturalCompare);
  const cells: WebjobCell[] = new Array(names.length);
  let sum = 0;
  let n = 0;
  let max = -Infinity;
  let min = Infinity;
  for (let i = 0; i < names.length; i++) {
    const node = names[i] as string;
    const acc = job.nodes.get(node) as Acc;
    const cpu = acc.cpuN > 0 ? acc.cpuSum / acc.cpuN : undefined;
    const gpu = acc.gpuN > 0 ? acc.gpuSum / acc.gpuN : undefined;
    const value = o.metric === 'gpu' ? gpu : cpu;
    cells[i] = {
      node,
      value,
      band: band(value, t),
      label: cellLabel(jobid, node, o.metric, value),
      cpu,
      gpu,
      memBytes: acc.mem,
    };
    if (value === undefined) {
      continue;
    }
    sum += value;
    n++;
    if (value > max) {
      max = value;
    }
    if (value < min) {
      min = value;
    }
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
