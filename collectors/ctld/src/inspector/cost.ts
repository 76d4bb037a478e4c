import type { NodeReport } from '@slurmscope/common';
import type { Webjob } from '../webjobs.js';
import type { FindingCost } from './types.js';

/** What the inspector integrates per job from cycle to cycle (kept in its state). */
export interface CostTally {
  idleCpuSeconds: number;
  idleGpuSeconds: number;
  /** Whether any cycle measured CPU (GPU) utilization: an unmeasured figure is absent, not 0. */
  cpuMeasured: boolean;
  gpuMeasured: boolean;
  /** The last cycle that saw the job (ms): the start of the next step. */
  lastMs?: number;
  /** Latest cumulative energy of the job per node (J), from the node reports. */
  energy: Record<string, number>;
}

/** The settings of the cost figures. */
export interface CostSettings {
  /** Longest step integrated (ms): beyond, ctld or the agents were away and nothing is assumed. */
  readonly maxStepMs: number;
  /**
   * gCO2e per kWh at the meter: `co2.intensity` × `co2.pue`. A constant, not the time series of the
   * report: a mail's "so far" needs an order of magnitude, and the report keeps the exact figure.
   */
  readonly gramsPerKwh: number;
}

/** A fresh tally. */
export const emptyTally = (): CostTally => ({
  idleCpuSeconds: 0,
  idleGpuSeconds: 0,
  cpuMeasured: false,
  gpuMeasured: false,
  energy: {},
});

/**
 * Adds one cycle: idle CPU-seconds ((1 − utilization) × CPUs × step per measured node), idle
 * GPU-seconds per measured GPU, the latest energy per node. Mutates `t`.
 */
export function addCycle(
  t: CostTally,
  job: Webjob,
  energy: ReadonlyMap<string, number> | undefined,
  nowMs: number,
  s: CostSettings,
): void {
  const step = t.lastMs === undefined ? 0 : nowMs - t.lastMs;
  const dt = step > 0 && step <= s.maxStepMs ? step / 1000 : 0;
  for (const n of job.nodes) {
    if (n.cpuUtilization !== undefined) {
      t.cpuMeasured = true;
      t.idleCpuSeconds += Math.max(0, 1 - n.cpuUtilization) * (n.cpus ?? 0) * dt;
    }
    for (const g of n.gpus) {
      if (g.utilization === undefined) continue;
      t.gpuMeasured = true;
      t.idleGpuSeconds += Math.max(0, 1 - g.utilization) * dt;
    }
  }
  for (const [node, joules] of energy ?? []) t.energy[node] = joules;
  t.lastMs = nowMs;
}

/** The cost so far of a tally; figures nothing measured are absent. */
export function costOf(t: CostTally, s: Pick<CostSettings, 'gramsPerKwh'>): FindingCost {
  const joules = Object.values(t.energy);
  const energyJoules = joules.length === 0 ? undefined : joules.reduce((a, b) => a + b, 0);
  return {
    ...(t.cpuMeasured ? { idleCpuHours: t.idleCpuSeconds / 3600 } : {}),
    ...(t.gpuMeasured ? { idleGpuHours: t.idleGpuSeconds / 3600 } : {}),
    ...(energyJoules === undefined ? {} : { energyJoules, co2Grams: (energyJoules / 3.6e6) * s.gramsPerKwh }),
  };
}

/** Each job's latest cumulative energy per node, from the reports that measured it. */
export function energyByJob(reports: readonly NodeReport[]): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>();
  for (const r of reports)
    for (const j of r.jobs) {
      if (j.energyJoules === undefined) continue;
      let m = out.get(j.jobid);
      if (m === undefined) out.set(j.jobid, (m = new Map()));
      m.set(r.node, j.energyJoules);
    }
  return out;
}
