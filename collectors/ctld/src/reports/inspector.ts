import type { Finding } from './types.js';

/** Thresholds of the inspector; the defaults are the issue's. */
export interface InspectorThresholds {
  /** CPU efficiency below this is low. */
  readonly lowCpuEfficiency: number;
  /** Mean GPU utilization below this means the GPUs sat idle. */
  readonly idleGpu: number;
  /** Imbalance (max − min) / max at or above this is uneven load. */
  readonly unevenLoad: number;
  /** Memory peak below this fraction of the request is an over-request. */
  readonly memoryOverRequest: number;
}

/** The default thresholds: 0.3, 0.05, 0.5, 0.3. */
export const DEFAULT_THRESHOLDS: InspectorThresholds = {
  lowCpuEfficiency: 0.3,
  idleGpu: 0.05,
  unevenLoad: 0.5,
  memoryOverRequest: 0.3,
};

/** What the inspector looks at; absent figures give no finding (unmeasured is not bad). */
export interface InspectorInput {
  readonly cpuEfficiency?: number;
  readonly gpus: number;
  readonly gpuUtilization?: number;
  readonly loadImbalance?: number;
  readonly memoryPeakBytes?: number;
  readonly memoryRequestedBytes: number;
}

const pct = (v: number): string => `${(v * 100).toFixed(0)} %`;

/** The findings of one job. Pure. */
export function inspectJob(i: InspectorInput, t: InspectorThresholds = DEFAULT_THRESHOLDS): Finding[] {
  const out: Finding[] = [];
  if (i.cpuEfficiency !== undefined && i.cpuEfficiency < t.lowCpuEfficiency) {
    out.push({
      kind: 'low_cpu_efficiency',
      severity: 'warning',
      message: `the job used ${pct(i.cpuEfficiency)} of the CPU time it held (below ${pct(t.lowCpuEfficiency)})`,
      value: i.cpuEfficiency,
    });
  }
  if (i.gpus > 0 && i.gpuUtilization !== undefined && i.gpuUtilization < t.idleGpu) {
    out.push({
      kind: 'idle_gpus',
      severity: 'warning',
      message: `the job held ${i.gpus} GPU(s) at ${pct(i.gpuUtilization)} mean utilization (below ${pct(t.idleGpu)})`,
      value: i.gpuUtilization,
    });
  }
  if (i.loadImbalance !== undefined && i.loadImbalance >= t.unevenLoad) {
    out.push({
      kind: 'uneven_load',
      severity: 'warning',
      message: `CPU load differed by ${pct(i.loadImbalance)} between the busiest and the idlest node`,
      value: i.loadImbalance,
    });
  }
  if (i.memoryPeakBytes !== undefined && i.memoryRequestedBytes > 0) {
    const ratio = i.memoryPeakBytes / i.memoryRequestedBytes;
    if (ratio < t.memoryOverRequest) {
      out.push({
        kind: 'memory_over_request',
        severity: 'info',
        message: `peak memory was ${pct(ratio)} of the memory requested (below ${pct(t.memoryOverRequest)})`,
        value: ratio,
      });
    }
  }
  return out;
}
