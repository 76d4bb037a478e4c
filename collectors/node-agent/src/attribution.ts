/**
 * Energy attribution: how one interval's measured node energy is shared among the jobs on it.
 *
 * Measured energy of the interval
 *   E_node = Σ RAPL package zones + Σ RAPL dram zones + Σ GPU energy (power × Δt, an estimate).
 * core, uncore and psys zones are never added: core and uncore are parts of a package, psys
 * covers the whole SoC including the packages.
 *
 * CPU part (package + DRAM), per job j with ΔCPU_j CPU-seconds in the interval:
 *   share_j = E_cpu × ΔCPU_j / D,   D = max(C × Δt, Σ_j ΔCPU_j)
 * where C is the number of online CPUs of the node. The denominator is the node's CPU capacity
 * over the interval, not the CPU time actually used: a job's share then depends on its own work
 * alone, not on whether its neighbours were busy, and the energy of unused capacity (idle
 * cores, the baseline of an idle node) and of non-job CPU time (system daemons, the agent)
 * stays with the node as "rest" instead of being hidden inside the jobs: it is the cost that
 * throttling and better packing can recover, so it is shown, not spread. (The max() only
 * guards against counters that, through sampling skew, show more CPU time than capacity.)
 *
 * GPU part: each GPU's energy goes whole to the job that holds it (a GPU held by several jobs,
 * as with sharing or MIG, is split evenly among them); a GPU that no job holds goes to rest.
 *
 * Conservation, for every interval: Σ_j (cpu_j + gpu_j) + rest = E_node (exactly, up to
 * floating point), since rest is computed as the remainder of each part.
 */

/** Inputs of one interval. Absent energy sources are `undefined`, never 0. */
export interface AttributionInput {
  /** Interval length in seconds (> 0). */
  readonly seconds: number;
  /** Online CPUs of the node. */
  readonly cpus: number;
  /** Package + DRAM energy of the interval in joules; undefined where the node has no RAPL. */
  readonly cpuEnergyJoules: number | undefined;
  /** CPU-seconds each job used in the interval. */
  readonly jobCpuSeconds: ReadonlyMap<string, number>;
  /** Energy of each GPU in the interval (estimate) and the jobs that hold it. */
  readonly gpus: readonly { readonly energyJoules: number; readonly jobs: readonly string[] }[];
}

/** One job's share of the interval's energy. */
export interface JobEnergy {
  readonly cpuJoules: number;
  readonly gpuJoules: number;
}

/** The interval's split: per job, and what remains with the node (idle and non-job work). */
export interface Attribution {
  readonly jobs: ReadonlyMap<string, JobEnergy>;
  readonly restJoules: number;
  /** The node's measured energy of the interval: Σ jobs + rest. */
  readonly totalJoules: number;
  /** False when neither RAPL nor a GPU measured anything: there is no energy to report. */
  readonly measured: boolean;
}

/** Shares one interval's measured energy among the jobs (see the module comment for the formula). */
export function attributeEnergy(input: AttributionInput): Attribution {
  const jobs = new Map<string, { cpuJoules: number; gpuJoules: number }>();
  const entry = (jobid: string): { cpuJoules: number; gpuJoules: number } => {
    let e = jobs.get(jobid);
    if (!e) jobs.set(jobid, (e = { cpuJoules: 0, gpuJoules: 0 }));
    return e;
  };
  for (const jobid of input.jobCpuSeconds.keys()) entry(jobid);

  let rest = 0;
  let total = 0;
  const cpuEnergy = input.cpuEnergyJoules;
  if (cpuEnergy !== undefined) {
    let used = 0;
    for (const s of input.jobCpuSeconds.values()) used += Math.max(0, s);
    const denominator = Math.max(input.cpus * input.seconds, used);
    let given = 0;
    if (denominator > 0) {
      for (const [jobid, s] of input.jobCpuSeconds) {
        const share = (cpuEnergy * Math.max(0, s)) / denominator;
        entry(jobid).cpuJoules += share;
        given += share;
      }
    }
    rest += cpuEnergy - given;
    total += cpuEnergy;
  }
  for (const gpu of input.gpus) {
    total += gpu.energyJoules;
    if (gpu.jobs.length === 0) {
      rest += gpu.energyJoules;
      continue;
    }
    const each = gpu.energyJoules / gpu.jobs.length;
    for (const jobid of gpu.jobs) entry(jobid).gpuJoules += each;
  }
  return { jobs, restJoules: rest, totalJoules: total, measured: cpuEnergy !== undefined || input.gpus.length > 0 };
}
