import type { NodeReport, NodeReportJob } from '@slurmscope/common';
import { co2Grams, overheadJoules, type IntensitySource } from '../co2.js';
import { eachSliced, runPaced, runSteps, type PaceOptions, type Steps } from '../slices.js';
import type { JobInfo } from '../slurm/types.js';
import { Profile } from './profile.js';

/** The latest cumulative figures of one job on one node. */
export interface TrackedNode {
  cpus: number;
  cpuSeconds: number;
  /** Undefined while nothing on this node measured energy. */
  energyJoules?: number;
  gpuSeconds: number;
  memoryPeakBytes: number;
  gpuUtilSum: number;
  gpuUtilCount: number;
  lastMs: number;
}

/** Everything ctld keeps about one running job until its report is written. */
export interface TrackedJob {
  info: JobInfo;
  script?: string;
  readonly nodes: Map<string, TrackedNode>;
  readonly profile: Profile;
  measuredJoules: number;
  overheadJoules: number;
  /** True once any node measured energy: the report's energy is then a number, else null. */
  energyMeasured: boolean;
  /** True once a node whose report said `power.raplSource: 'simulated'` contributed energy (the demo's stand-in). */
  energySimulated?: boolean;
  co2Grams: number;
  /** Σ joules × intensity, for the energy-weighted mean intensity. */
  joulesTimesIntensity: number;
  fallbackUsed: boolean;
  /** When the job was last in a Slurm snapshot. */
  lastSeenMs: number;
}

/** Settings of the energy and CO2 accounting. */
export interface TrackerOptions {
  readonly profilePoints: number;
  readonly pue: number;
  readonly nodeOverheadWatts: number;
  readonly intensity: IntensitySource;
}

interface CycleAgg {
  cpu: number[];
  mem: number;
  gpu: number[];
  watts?: number;
  t: number;
}

/**
 * Follows running jobs through the agents' reports: the batch script (first one seen), the
 * latest cumulative totals per node, a bounded profile, and energy per interval priced with
 * the intensity in force at the report's time. A report already counted (same or older
 * timestamp for that job and node) is skipped, so feeding the same reports twice is harmless.
 */
export class JobTracker {
  readonly jobs = new Map<string, TrackedJob>();

  constructor(private readonly opts: TrackerOptions) {}

  /** Takes one cycle: the running jobs from Slurm and the node reports received. */
  observe(nowMs: number, running: readonly JobInfo[], reports: readonly NodeReport[]): void {
    runSteps(this.observeSteps(nowMs, running, reports));
  }

  /** {@link observe} in slices, giving the event loop back every few ms (see `runPaced`). */
  observePaced(
    nowMs: number,
    running: readonly JobInfo[],
    reports: readonly NodeReport[],
    pace?: PaceOptions,
  ): Promise<void> {
    return runPaced(this.observeSteps(nowMs, running, reports), pace);
  }

  /** The steps of {@link observe}; it may pause after each slice of jobs or reports. */
  *observeSteps(nowMs: number, running: readonly JobInfo[], reports: readonly NodeReport[]): Steps<void> {
    yield* eachSliced(running, (info) => {
      const t = this.jobs.get(info.jobid);
      if (t === undefined) this.jobs.set(info.jobid, this.newJob(info, nowMs));
      else {
        t.info = info;
        t.lastSeenMs = nowMs;
      }
    });
    const aggs = new Map<string, CycleAgg>();
    const sorted = [...reports].sort((a, b) => a.timestampMs - b.timestampMs);
    yield* eachSliced(
      sorted,
      (r) => {
        for (const e of r.jobs) {
          const t = this.jobs.get(e.jobid);
          if (t !== undefined) this.ingest(t, r, e, aggs);
        }
      },
      16,
    );
    yield* eachSliced(aggs, ([jobid, a]) => {
      const t = this.jobs.get(jobid);
      if (t === undefined) return;
      t.profile.add({
        tMs: a.t,
        memoryBytes: a.mem,
        ...(a.cpu.length === 0 ? {} : { cpu: mean(a.cpu), cpuMin: Math.min(...a.cpu), cpuMax: Math.max(...a.cpu) }),
        ...(a.gpu.length === 0 ? {} : { gpu: mean(a.gpu) }),
        ...(a.watts === undefined ? {} : { powerWatts: a.watts }),
      });
    });
  }

  private newJob(info: JobInfo, nowMs: number): TrackedJob {
    return {
      info,
      nodes: new Map(),
      profile: new Profile(this.opts.profilePoints),
      measuredJoules: 0,
      overheadJoules: 0,
      energyMeasured: false,
      co2Grams: 0,
      joulesTimesIntensity: 0,
      fallbackUsed: false,
      lastSeenMs: nowMs,
    };
  }

  private ingest(t: TrackedJob, r: NodeReport, e: NodeReportJob, aggs: Map<string, CycleAgg>): void {
    const prev = t.nodes.get(r.node);
    if (prev !== undefined && r.timestampMs <= prev.lastMs) return;
    if (t.script === undefined && e.script !== undefined) t.script = e.script;
    const n: TrackedNode = prev ?? {
      cpus: e.cpus,
      cpuSeconds: 0,
      gpuSeconds: 0,
      memoryPeakBytes: 0,
      gpuUtilSum: 0,
      gpuUtilCount: 0,
      lastMs: 0,
    };
    // The interval this report covers on this node: since the last one, or since the job started.
    const start = t.info.startTimeMs;
    const seconds =
      prev !== undefined
        ? (r.timestampMs - prev.lastMs) / 1000
        : start !== undefined && start < r.timestampMs
          ? (r.timestampMs - start) / 1000
          : r.intervalMs / 1000;
    const agg = aggs.get(t.info.jobid) ?? { cpu: [], mem: 0, gpu: [], t: r.timestampMs };
    aggs.set(t.info.jobid, agg);
    agg.t = Math.max(agg.t, r.timestampMs);
    if (e.energyJoules !== undefined) {
      this.addEnergy(t, n, { at: r.timestampMs, joules: e.energyJoules, seconds }, agg);
      if (r.power.raplSource === 'simulated') t.energySimulated = true;
    }
    n.cpus = e.cpus;
    n.cpuSeconds = e.cpuSeconds;
    n.gpuSeconds = e.gpuSeconds;
    n.memoryPeakBytes = Math.max(n.memoryPeakBytes, e.memoryPeakBytes ?? 0, e.memoryUsedBytes);
    n.lastMs = r.timestampMs;
    for (const g of e.gpus) {
      if (g.utilization === undefined) continue;
      n.gpuUtilSum += g.utilization;
      n.gpuUtilCount++;
      agg.gpu.push(g.utilization);
    }
    if (e.cpuUtilization !== undefined) agg.cpu.push(e.cpuUtilization);
    agg.mem += e.memoryUsedBytes;
    t.nodes.set(r.node, n);
  }

  /** Prices the energy a node's counter gained over `seconds` (plus the node overhead) with the intensity then. */
  private addEnergy(
    t: TrackedJob,
    n: TrackedNode,
    c: { at: number; joules: number; seconds: number },
    agg: CycleAgg,
  ): void {
    // Agents keep counters across restarts; a smaller value means a fresh counter.
    const before = n.energyJoules;
    const delta = before === undefined ? c.joules : c.joules >= before ? c.joules - before : c.joules;
    const oh = overheadJoules(this.opts.nodeOverheadWatts, 1, c.seconds);
    const reading = this.opts.intensity.at(c.at);
    t.energyMeasured = true;
    t.measuredJoules += delta;
    t.overheadJoules += oh;
    t.co2Grams += co2Grams(delta + oh, this.opts.pue, reading.gPerKwh);
    t.joulesTimesIntensity += (delta + oh) * reading.gPerKwh;
    t.fallbackUsed ||= reading.fallback;
    n.energyJoules = c.joules;
    if (c.seconds > 0) agg.watts = (agg.watts ?? 0) + (delta + oh) / c.seconds;
  }
}

function mean(v: readonly number[]): number {
  return v.reduce((s, x) => s + x, 0) / v.length;
}
