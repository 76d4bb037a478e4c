import { percent } from '../../../common/src/format';
import { Metric } from '../types';

/** How well a cell is used: idle (red), low (orange), good (green), or none (no value: gray). */
export type Band = 'idle' | 'low' | 'good' | 'none';

/** The two thresholds (0..1) between idle, low and good. */
export interface Thresholds {
  readonly low: number;
  readonly good: number;
}

/** Readable names of the inspector's finding kinds (collectors/common/src/inspector-config.ts FINDING_KINDS). */
const KIND_NAMES: Readonly<Record<string, string>> = {
  uneven_load: 'uneven load',
  low_cpu_efficiency: 'low CPU efficiency',
  idle_gpus: 'idle GPUs',
  memory_near_limit: 'memory near limit',
  oom_killed: 'OOM killed',
  memory_over_request: 'memory over request',
  time_limit_over_request: 'time limit over request',
};

/** A finding kind in words: "uneven load" for uneven_load; an unknown kind with its underscores as spaces. */
export function kindName(kind: string): string {
  return KIND_NAMES[kind] ?? kind.replace(/_/g, ' ');
}

/** The metric as a word: "CPU" or "GPU". */
export function metricName(metric: Metric): string {
  return metric === 'gpu' ? 'GPU' : 'CPU';
}

/** Thresholds made usable: clamped to 0..1, and swapped when low is above good; NaN takes the default. */
export function normalizeThresholds(low: number, good: number): Thresholds {
  const clamp = (v: number, d: number) => (Number.isFinite(v) ? Math.min(1, Math.max(0, v)) : d);
  const l = clamp(low, 0.25);
  const g = clamp(good, 0.75);
  return l <= g ? { low: l, good: g } : { low: g, good: l };
}

/** The band of a utilization: below low idle, below good low, else good; undefined is none. */
export function band(value: number | undefined, t: Thresholds): Band {
  if (value === undefined) {
    return 'none';
  }
  if (value < t.low) {
    return 'idle';
  }
  return value < t.good ? 'low' : 'good';
}

/** A cell in words: `job 42 on node-a: CPU 35 %`, or `job 42 on node-b: no data`. */
export function cellLabel(jobid: string, node: string, metric: Metric, value: number | undefined): string {
  const what = value === undefined ? 'no data' : `${metricName(metric)} ${percent(value)}`;
  return `job ${jobid} on ${node}: ${what}`;
}

/** What a row label says: the job, its user (when shown), its nodes, its mean and imbalance, its findings. */
export interface RowLabelInput {
  readonly jobid: string;
  readonly user?: string;
  readonly nodes: number;
  readonly metric: Metric;
  readonly mean?: number;
  readonly imbalance?: number;
  readonly findings: readonly string[];
}

/** A node count in words: "1 node", "4 nodes". */
export function nodeCount(n: number): string {
  return `${n} ${n === 1 ? 'node' : 'nodes'}`;
}

/** A row in words: `job 42 of alice, 4 nodes, mean CPU 35 %, imbalance 80 %, findings: uneven load`. */
export function rowLabel(r: RowLabelInput): string {
  const m = metricName(r.metric);
  const parts = [
    `job ${r.jobid}${r.user ? ` of ${r.user}` : ''}`,
    nodeCount(r.nodes),
    r.mean === undefined ? `mean ${m}: no data` : `mean ${m} ${percent(r.mean)}`,
  ];
  if (r.imbalance !== undefined && r.nodes > 1) {
    parts.push(`imbalance ${percent(r.imbalance)}`);
  }
  if (r.findings.length > 0) {
    parts.push(`findings: ${r.findings.map(kindName).join(', ')}`);
  }
  return parts.join(', ');
}
