import type { InspectorConfig } from '@slurmscope/common';
import { co2MethodNote, type IntensitySourceKind } from '../co2.js';
import type { RaisedFinding } from '../inspector/types.js';
import { imbalance } from '../webjobs.js';
import { inspectJob } from './inspector.js';
import type { SacctRecord } from './sacct.js';
import type { TrackedJob } from './tracker.js';
import type { JobReport, NodeTotals } from './types.js';

/** What a report needs besides the tracked job. */
export interface BuildInput {
  readonly cluster: string;
  readonly job: TrackedJob;
  /** The job's final record from slurmdbd; absent without slurmdbd. */
  readonly record?: SacctRecord;
  /** The script from slurmdbd, used when no agent sent one. */
  readonly dbdScript?: string;
  readonly nowMs: number;
  readonly co2: {
    readonly pue: number;
    readonly basis: 'direct' | 'lifecycle';
    readonly source: IntensitySourceKind;
    readonly nodeOverheadWatts: number;
  };
  /** The `inspector` section (thresholds, overrides, exemptions); the defaults when absent. */
  readonly inspector?: InspectorConfig;
  /** The findings the live inspector raised while the job ran. */
  readonly live?: readonly RaisedFinding[];
}

const iso = (ms: number | undefined): string | null => (ms === undefined ? null : new Date(ms).toISOString());

/** What the job used, from the agents' totals and slurmdbd's record. */
interface Usage {
  readonly perNode: NodeTotals[];
  readonly agentCpuSeconds: number;
  readonly cpuSeconds: number;
  readonly fromSacct: boolean;
  readonly startMs: number | undefined;
  readonly endMs: number | undefined;
  readonly elapsed: number | undefined;
  readonly cpuEfficiency: number | undefined;
  readonly memPeak: number;
  readonly gpuUtil: number | undefined;
  readonly loadImbalance: number | undefined;
}

function usageOf(job: TrackedJob, record: SacctRecord | undefined): Usage {
  const info = job.info;
  const perNode: NodeTotals[] = [...job.nodes].map(([node, n]) => ({
    node,
    cpus: n.cpus,
    cpu_seconds: n.cpuSeconds,
    energy_joules: n.energyJoules ?? null,
    gpu_seconds: n.gpuSeconds,
    memory_peak_bytes: n.memoryPeakBytes,
  }));
  // Two lower bounds of the job's CPU time: the agents' last samples miss the interval after them
  // (the cgroup goes before the epilog), and Slurm accounts 0 under jobacct_gather/none. The
  // larger is the better figure: Slurm's, normally, for jobs short against the agents' interval.
  const agentCpuSeconds = perNode.reduce((s, n) => s + n.cpu_seconds, 0);
  const sacctCpuSeconds = record?.totalCpuSeconds;
  const fromSacct = sacctCpuSeconds !== undefined && sacctCpuSeconds > agentCpuSeconds;
  const cpuSeconds = fromSacct ? sacctCpuSeconds : agentCpuSeconds;
  const startMs = record?.startMs ?? info.startTimeMs;
  const endMs = record?.endMs ?? (record === undefined ? job.lastSeenMs : undefined);
  const elapsed =
    record?.elapsedSeconds ??
    (startMs !== undefined && endMs !== undefined ? Math.max(0, (endMs - startMs) / 1000) : undefined);
  const cpuEfficiency =
    (perNode.length > 0 || fromSacct) && elapsed !== undefined && elapsed > 0 && info.cpus > 0
      ? cpuSeconds / (info.cpus * elapsed)
      : undefined;
  const memPeak = perNode.reduce((s, n) => s + n.memory_peak_bytes, 0);
  const perCpu = perNode.filter((n) => n.cpus > 0).map((n) => n.cpu_seconds / n.cpus);
  const loadImbalance = perCpu.length < 2 ? undefined : imbalance(perCpu);
  const gpuUtil = gpuUtilization(job);
  return {
    perNode,
    agentCpuSeconds,
    cpuSeconds,
    fromSacct,
    startMs,
    endMs,
    elapsed,
    cpuEfficiency,
    memPeak,
    gpuUtil,
    loadImbalance,
  };
}

function gpuUtilization(job: TrackedJob): number | undefined {
  let sum = 0;
  let n = 0;
  for (const node of job.nodes.values()) {
    sum += node.gpuUtilSum;
    n += node.gpuUtilCount;
  }
  return n === 0 ? undefined : sum / n;
}

function findingsOf(input: BuildInput, u: Usage): JobReport['findings'] {
  const info = input.job.info;
  return inspectJob(
    {
      user: info.user,
      account: info.account,
      partition: info.partition,
      ...(u.elapsed === undefined ? {} : { elapsedSeconds: u.elapsed }),
      ...(info.timeLimitSeconds === undefined ? {} : { timeLimitSeconds: info.timeLimitSeconds }),
      ...(u.cpuEfficiency === undefined ? {} : { cpuEfficiency: u.cpuEfficiency }),
      gpus: info.gpus,
      ...(u.gpuUtil === undefined ? {} : { gpuUtilization: u.gpuUtil }),
      ...(u.loadImbalance === undefined ? {} : { loadImbalance: u.loadImbalance }),
      ...(u.perNode.length === 0 ? {} : { memoryPeakBytes: u.memPeak }),
      memoryRequestedBytes: info.memoryBytes,
    },
    input.inspector,
    input.live,
  );
}

/**
 * The report's first fields: ids, owner, record, times. They come first in the file, before
 * `nodes`: the archive's index is rebuilt from each report's first 64 KiB (see entryFromHead).
 */
function headOf(input: BuildInput, u: Usage): Pick<JobReport, HeadKey> {
  const { job, record } = input;
  const info = job.info;
  return {
    format: 1,
    cluster: input.cluster,
    jobid: info.jobid,
    display_id: info.displayId,
    array_job:
      info.arrayJobId !== undefined && info.arrayTaskId !== undefined ? `${info.arrayJobId}_${info.arrayTaskId}` : null,
    het_job:
      info.hetJobId !== undefined && info.hetJobOffset !== undefined ? `${info.hetJobId}+${info.hetJobOffset}` : null,
    user: info.user,
    uid: info.uid ?? null,
    account: info.account,
    partition: info.partition,
    qos: info.qos ?? null,
    state: record?.state ?? 'UNKNOWN',
    exit_code: record?.exitCode ?? null,
    start_time: iso(u.startMs),
    end_time: iso(u.endMs),
    elapsed_seconds: u.elapsed ?? null,
  };
}

type HeadKey =
  | 'format'
  | 'cluster'
  | 'jobid'
  | 'display_id'
  | 'array_job'
  | 'het_job'
  | 'user'
  | 'uid'
  | 'account'
  | 'partition'
  | 'qos'
  | 'state'
  | 'exit_code'
  | 'start_time'
  | 'end_time'
  | 'elapsed_seconds';

/** The co2 note's words on energy the demo simulated (test/src/demo/rapl-sim.ts). */
export const SIMULATED_ENERGY_NOTE = "energy simulated by the demo's RAPL stand-in, not measured";

function energyOf(
  input: BuildInput,
): Pick<JobReport, 'energy_joules' | 'co2_grams' | 'energy' | 'co2' | 'energy_source'> {
  const { job } = input;
  const energy = job.energyMeasured ? job.measuredJoules + job.overheadJoules : null;
  const simulated = energy !== null && job.energySimulated === true;
  const note = co2MethodNote(input.co2, job.fallbackUsed, input.co2.nodeOverheadWatts);
  return {
    energy_joules: energy,
    co2_grams: energy === null ? null : job.co2Grams,
    energy: {
      measured_joules: job.energyMeasured ? job.measuredJoules : null,
      overhead_joules: job.energyMeasured ? job.overheadJoules : null,
      kwh: energy === null ? null : energy / 3.6e6,
    },
    co2: {
      pue: input.co2.pue,
      basis: input.co2.basis,
      source: input.co2.source,
      fallback_used: job.fallbackUsed,
      intensity_g_per_kwh: energy === null || energy === 0 ? null : job.joulesTimesIntensity / energy,
      note: simulated ? `${SIMULATED_ENERGY_NOTE}; ${note}` : note,
    },
    energy_source: energy === null ? null : simulated ? 'simulated' : 'measured',
  };
}

/** Builds the report of an ended job. Pure: energy and CO2 are null where nothing measured energy. */
export function buildReport(input: BuildInput): JobReport {
  const { job, record } = input;
  const info = job.info;
  const u = usageOf(job, record);
  return {
    ...headOf(input, u),
    nodes: info.nodes,
    requested: {
      cpus: info.cpus,
      memory_bytes: info.memoryBytes,
      gpus: info.gpus,
      gpus_by_type: info.gpusByType,
      time_limit_seconds: info.timeLimitSeconds ?? null,
    },
    used: {
      cpu_efficiency: u.cpuEfficiency ?? null,
      memory_peak_bytes: u.memPeak,
      gpu_seconds: u.perNode.reduce((s, n) => s + n.gpu_seconds, 0),
      gpu_utilization: u.gpuUtil ?? null,
      load_imbalance: u.loadImbalance ?? null,
    },
    cpu_seconds: u.cpuSeconds,
    cpu_seconds_source: u.fromSacct ? 'sacct' : 'agents',
    cpu_seconds_agents: u.agentCpuSeconds,
    ...energyOf(input),
    per_node: u.perNode,
    profile: { points: job.profile.points() },
    findings: findingsOf(input, u),
    script: job.script ?? input.dbdScript ?? null,
    script_source: job.script !== undefined ? 'agent' : input.dbdScript !== undefined ? 'slurmdbd' : null,
    record_source: record === undefined ? 'ctld' : 'sacct',
    generated_at: new Date(input.nowMs).toISOString(),
  };
}
