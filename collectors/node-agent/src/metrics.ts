import { CounterFamily, type FamilyDesc, type Labels, type MetricFamily, type MetricType } from '@slurmscope/model';

const family = (name: string, type: MetricType, help: string, labelNames: string[]): FamilyDesc => ({
  name,
  type,
  help,
  labelNames,
});

const JOB = ['jobid', 'node'];
const GPU = ['node', 'gpu', 'jobid'];

/** Every metric family the agent exports, in exposition order. Names are a fixed interface. */
export const AGENT_FAMILIES = {
  jobCpuSeconds: family(
    'slurmscope_job_cpu_seconds_total',
    'counter',
    'CPU time of the job on this node, from its cgroup (cpuacct.usage / cpu.stat usage_usec).',
    JOB,
  ),
  jobCpus: family('slurmscope_job_cpus', 'gauge', "CPUs in the job's cpuset on this node.", JOB),
  jobCpuUtilization: family(
    'slurmscope_job_cpu_utilization_ratio',
    'gauge',
    'CPU seconds per second per allocated CPU over the last interval (0..1).',
    JOB,
  ),
  jobMemoryUsed: family(
    'slurmscope_job_memory_used_bytes',
    'gauge',
    'Memory used by the job: cgroup usage minus inactive file cache.',
    JOB,
  ),
  jobMemoryRss: family('slurmscope_job_memory_rss_bytes', 'gauge', 'Anonymous (RSS) memory of the job.', JOB),
  jobMemoryLimit: family(
    'slurmscope_job_memory_limit_bytes',
    'gauge',
    "The job's cgroup memory limit (absent when unlimited).",
    JOB,
  ),
  jobMemoryPeak: family(
    'slurmscope_job_memory_peak_bytes',
    'gauge',
    "Peak memory usage of the job's cgroup (absent where the kernel keeps none).",
    JOB,
  ),
  jobOomKills: family(
    'slurmscope_job_oom_kills_total',
    'counter',
    "Processes the OOM killer killed in the job's cgroup (v2 memory.events, v1 memory.oom_control oom_kill; absent where the kernel does not count them).",
    JOB,
  ),
  jobMemoryPressure: family(
    'slurmscope_job_memory_pressure_ratio',
    'gauge',
    'Share of the last minute some task of the job stalled on memory (cgroup v2 memory.pressure some avg60, 0..1; absent on v1 or without PSI).',
    JOB,
  ),
  jobEnergy: family(
    'slurmscope_job_energy_joules_total',
    'counter',
    "Energy attributed to the job on this node: its CPU-time share of RAPL package+DRAM plus its GPUs' energy (estimate).",
    JOB,
  ),
  jobCpuEnergy: family(
    'slurmscope_job_cpu_energy_joules_total',
    'counter',
    "The job's CPU-time share of RAPL package+DRAM energy on this node.",
    JOB,
  ),
  jobGpuEnergy: family(
    'slurmscope_job_gpu_energy_joules_total',
    'counter',
    "Energy of the job's GPUs on this node, power x interval (an estimate: nvidia-smi reports power, not energy).",
    JOB,
  ),
  jobGpuSeconds: family(
    'slurmscope_job_gpu_seconds_total',
    'counter',
    'GPU-seconds held by the job on this node (busy or idle).',
    JOB,
  ),
  jobGpus: family('slurmscope_job_gpus', 'gauge', 'GPUs held by the job on this node.', JOB),
  raplEnergy: family(
    'slurmscope_node_rapl_energy_joules_total',
    'counter',
    'RAPL energy counter of a zone, monotonic across wrap-around and agent restarts (zone = name, subzones as parent/child).',
    ['node', 'zone'],
  ),
  nodePower: family(
    'slurmscope_node_power_watts',
    'gauge',
    'Average node power over the last interval by source: rapl (package+dram), gpu (estimate).',
    ['node', 'source'],
  ),
  nodeEnergy: family(
    'slurmscope_node_energy_joules_total',
    'counter',
    'Measured node energy (RAPL package+DRAM + GPU estimate) since the agent started counting.',
    ['node'],
  ),
  nodeRestEnergy: family(
    'slurmscope_node_unattributed_energy_joules_total',
    'counter',
    'Measured node energy that went to no job: idle capacity and non-job work (jobs + this = node energy).',
    ['node'],
  ),
  nodeCpus: family('slurmscope_node_cpus', 'gauge', 'Online CPUs of the node.', ['node']),
  nodeJobs: family('slurmscope_node_jobs', 'gauge', 'Slurm jobs with a cgroup on this node.', ['node']),
  gpuUtilization: family(
    'slurmscope_gpu_utilization_ratio',
    'gauge',
    'GPU utilization (0..1) as nvidia-smi reports it; jobid empty when no job holds the GPU.',
    GPU,
  ),
  gpuMemoryUsed: family('slurmscope_gpu_memory_used_bytes', 'gauge', 'GPU memory in use.', GPU),
  gpuMemoryTotal: family('slurmscope_gpu_memory_total_bytes', 'gauge', 'GPU memory in total.', GPU),
  gpuPower: family('slurmscope_gpu_power_watts', 'gauge', 'GPU power draw.', GPU),
  collectorErrors: family(
    'slurmscope_collector_errors_total',
    'counter',
    'Errors per collector (a malformed file, a failed or hung tool); the rest of the sample goes on.',
    ['node', 'collector'],
  ),
  cycleSeconds: family('slurmscope_agent_cycle_seconds', 'gauge', 'Wall time of the last sampling cycle.', ['node']),
  cycleCpuSeconds: family(
    'slurmscope_agent_cycle_cpu_seconds',
    'gauge',
    'CPU time (user+system) of the agent process in the last sampling cycle.',
    ['node'],
  ),
} as const;

/** The throttler's metric families. Names are a fixed interface (dashboards use them). */
export const THROTTLE_FAMILIES = {
  throttledCores: {
    name: 'slurmscope_node_throttled_cores',
    type: 'gauge',
    help: 'Logical CPUs whose clock the throttler has lowered now.',
    labelNames: ['node'],
  },
  throttleSeconds: {
    name: 'slurmscope_throttle_seconds_total',
    type: 'counter',
    help: 'Core-seconds throttled: logical CPUs held at the floor times seconds, across agent restarts.',
    labelNames: ['node'],
  },
  throttleErrors: {
    name: 'slurmscope_throttle_errors_total',
    type: 'counter',
    help: 'Failed reads or writes of cpufreq files and refused cores (floor above max, no powersave governor).',
    labelNames: ['node'],
  },
  energySaved: {
    name: 'slurmscope_throttle_energy_saved_joules_total',
    type: 'counter',
    help: 'Estimated energy saved: throttled core-seconds x (idle W per core at full clock - at the floor), from the node calibration.',
    labelNames: ['node'],
  },
} as const satisfies Record<string, FamilyDesc>;

/** `slurmscope_agent_ctld_reports_total{node,result}`, declared by full name. */
export const CTLD_REPORTS_FAMILY = {
  name: 'slurmscope_agent_ctld_reports_total',
  type: 'counter',
  help: 'Node reports sent to ctld, by result: ok, refused (ctld answered 4xx), error (5xx, network), timeout, skipped (the previous one was still in flight).',
  labelNames: ['node', 'result'],
} as const;

/**
 * A counter family of the agent whose every series carries the agent's `node` label, so that the
 * agents of a cluster write distinct series to a store (InfluxDB, VictoriaMetrics) that has no
 * `instance` label of its own.
 */
export class NodeCounterFamily {
  private readonly counter: CounterFamily;

  constructor(
    desc: Omit<FamilyDesc, 'type'>,
    private readonly node: string,
  ) {
    if (!desc.labelNames.includes('node')) throw new Error(`counter "${desc.name}" must declare the node label`);
    this.counter = new CounterFamily(desc);
  }

  /** Adds `by` (default 1) to the series with `labels` and this agent's node. */
  inc(labels: Labels = {}, by = 1): void {
    this.counter.inc({ ...labels, node: this.node }, by);
  }

  /** The current value of the series with `labels` on this agent's node. */
  get(labels: Labels = {}): number {
    return this.counter.get({ ...labels, node: this.node });
  }

  /** The counter as a family. */
  family(): MetricFamily {
    return this.counter.family();
  }
}

/**
 * Families built elsewhere (the InfluxDB sink's self-metrics) with this agent's `node` label added
 * to their declaration and to every sample, for the agent's /metrics.
 */
export function withNode(families: readonly MetricFamily[], node: string): MetricFamily[] {
  return families.map((f) => ({
    ...f,
    labelNames: f.labelNames.includes('node') ? f.labelNames : ['node', ...f.labelNames],
    samples: f.samples.map((s) => ({ labels: { node, ...s.labels }, value: s.value })),
  }));
}
