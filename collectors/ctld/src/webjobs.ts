import type { NodeReport } from '@slurmscope/common';
import type { FamilyDesc, MetricFamily } from '@slurmscope/model';
import { CTLD_FAMILIES as F } from './metrics.js';
import { eachSliced, runPaced, runSteps, type PaceOptions, type Steps } from './slices.js';
import type { JobInfo } from './slurm/types.js';

/** One GPU of a job on one node. */
export interface WebjobGpu {
  readonly index: number;
  readonly utilization?: number;
  readonly memoryUsedBytes?: number;
}

/** One node of a running job: what its agent last measured there. */
export interface WebjobNode {
  readonly node: string;
  /** False when no fresh report names the job on this node: the figures below are then absent. */
  readonly reported: boolean;
  readonly cpus?: number;
  /** CPU seconds per second per allocated CPU over the agent's last interval (0..1). */
  readonly cpuUtilization?: number;
  readonly memoryUsedBytes?: number;
  /** High-water mark of memory on this node; absent where the kernel keeps none. */
  readonly memoryPeakBytes?: number;
  /** The job's memory limit on this node; absent when unlimited. */
  readonly memoryLimitBytes?: number;
  /** OOM kills in the job's cgroup on this node so far. */
  readonly oomKills?: number;
  /** Memory pressure (`some avg60`, 0..1); cgroup v2 only. */
  readonly memoryPressure?: number;
  readonly gpus: readonly WebjobGpu[];
}

/** How one running job spreads over its nodes. */
export interface Webjob {
  readonly jobid: string;
  readonly displayId: string;
  readonly user: string;
  readonly partition: string;
  readonly allocatedCpus: number;
  readonly nodes: readonly WebjobNode[];
  /** (max − min) / max of per-node CPU utilization; 0 with one measured node or max 0; absent when none measured. */
  readonly loadImbalance?: number;
  /** CPU seconds used / CPU seconds allocated over the measured nodes. */
  readonly cpuEfficiency?: number;
  /** Mean utilization of the job's GPUs; absent without GPUs. */
  readonly gpuEfficiency?: number;
  readonly memoryUsedBytes?: number;
}

/** Inputs of {@link computeWebjobs}. */
export interface WebjobsInput {
  /** Running jobs from the last Slurm snapshot. */
  readonly jobs: readonly JobInfo[];
  /** The latest report of each node (older ones are fine: the newest per node wins). */
  readonly reports: readonly NodeReport[];
  readonly nowMs: number;
  /** A report older than this many of its own intervals is ignored (default 3). */
  readonly maxAgeIntervals?: number;
}

type ReportJob = NodeReport['jobs'][number];

/** Joins running jobs with the agents' node reports. Pure; O(jobs × nodes per job + report entries). */
export function computeWebjobs(input: WebjobsInput): Webjob[] {
  return runSteps(webjobsSteps(input));
}

/** {@link computeWebjobs} in slices: gives the event loop back every few ms (see `runPaced`). */
export function computeWebjobsPaced(input: WebjobsInput, pace?: PaceOptions): Promise<Webjob[]> {
  return runPaced(webjobsSteps(input), pace);
}

/** The steps of {@link computeWebjobs}: it may pause after each slice of reports or jobs. */
export function* webjobsSteps(input: WebjobsInput): Steps<Webjob[]> {
  const maxAge = input.maxAgeIntervals ?? 3;
  const latest = new Map<string, NodeReport>();
  for (const r of input.reports) {
    if (input.nowMs - r.timestampMs > maxAge * r.intervalMs) continue;
    const prev = latest.get(r.node);
    if (prev === undefined || prev.timestampMs < r.timestampMs) latest.set(r.node, r);
  }
  // node → jobid → entry, built once.
  const entries = new Map<string, Map<string, ReportJob>>();
  yield* eachSliced(latest, ([node, r]) => entries.set(node, new Map(r.jobs.map((j) => [j.jobid, j]))), 64);
  const out: Webjob[] = [];
  yield* eachSliced(input.jobs, (j) => {
    if (j.state === 'RUNNING') out.push(webjob(j, entries));
  });
  return out;
}

function webjob(j: JobInfo, entries: ReadonlyMap<string, ReadonlyMap<string, ReportJob>>): Webjob {
  const nodes: WebjobNode[] = j.nodes.map((node) => {
    const e = entries.get(node)?.get(j.jobid);
    if (e === undefined) return { node, reported: false, gpus: [] };
    return {
      node,
      reported: true,
      cpus: e.cpus,
      ...(e.cpuUtilization === undefined ? {} : { cpuUtilization: e.cpuUtilization }),
      memoryUsedBytes: e.memoryUsedBytes,
      ...(e.memoryPeakBytes === undefined ? {} : { memoryPeakBytes: e.memoryPeakBytes }),
      ...(e.memoryLimitBytes === undefined ? {} : { memoryLimitBytes: e.memoryLimitBytes }),
      ...(e.oomKills === undefined ? {} : { oomKills: e.oomKills }),
      ...(e.memoryPressure === undefined ? {} : { memoryPressure: e.memoryPressure }),
      gpus: e.gpus.map((g) => ({
        index: g.index,
        ...(g.utilization === undefined ? {} : { utilization: g.utilization }),
        ...(g.memoryUsedBytes === undefined ? {} : { memoryUsedBytes: g.memoryUsedBytes }),
      })),
    };
  });
  const measured = nodes.filter((n) => n.cpuUtilization !== undefined);
  const utils = measured.map((n) => n.cpuUtilization ?? 0);
  const gpuUtils = nodes.flatMap((n) => n.gpus.flatMap((g) => (g.utilization === undefined ? [] : [g.utilization])));
  const reported = nodes.filter((n) => n.reported);
  return {
    jobid: j.jobid,
    displayId: j.displayId,
    user: j.user,
    partition: j.partition,
    allocatedCpus: j.cpus,
    nodes,
    ...(utils.length === 0 ? {} : { loadImbalance: imbalance(utils) }),
    ...(measured.length === 0 ? {} : { cpuEfficiency: efficiency(measured) }),
    ...(gpuUtils.length === 0 ? {} : { gpuEfficiency: gpuUtils.reduce((s, u) => s + u, 0) / gpuUtils.length }),
    ...(reported.length === 0 ? {} : { memoryUsedBytes: reported.reduce((s, n) => s + (n.memoryUsedBytes ?? 0), 0) }),
  };
}

/** (max − min) / max; 0 for one value or when max is 0. */
export function imbalance(values: readonly number[]): number {
  if (values.length < 2) return 0;
  let max = -Infinity;
  let min = Infinity;
  for (const v of values) {
    if (v > max) max = v;
    if (v < min) min = v;
  }
  return max <= 0 ? 0 : (max - min) / max;
}

function efficiency(nodes: readonly WebjobNode[]): number {
  let used = 0;
  let alloc = 0;
  for (const n of nodes) {
    used += (n.cpuUtilization ?? 0) * (n.cpus ?? 0);
    alloc += n.cpus ?? 0;
  }
  return alloc === 0 ? 0 : used / alloc;
}

/** The per-job Prometheus families of webjobs; a job without a figure has no sample (absent, not 0). */
export function webjobsFamilies(jobs: readonly Webjob[]): MetricFamily[] {
  const fam = (desc: FamilyDesc, get: (w: Webjob) => number | undefined): MetricFamily => ({
    ...desc,
    samples: jobs.flatMap((w) => {
      const v = get(w);
      return v === undefined ? [] : [{ labels: { jobid: w.jobid }, value: v }];
    }),
  });
  return [
    fam(F.jobLoadImbalance, (w) => w.loadImbalance),
    fam(F.jobCpuEfficiency, (w) => w.cpuEfficiency),
    fam(F.jobGpuEfficiency, (w) => w.gpuEfficiency),
  ];
}
