import type { NodeReport } from '@slurmscope/common';
import type { GpuAssignment } from './collectors/index.js';
import type { CycleData } from './sampler.js';

/**
 * The compact report for ctld, from the same data as the metrics; undefined on a first sample,
 * which covers no interval (there is no interval length to report, and no rate or energy).
 */
export function nodeReport(data: CycleData): NodeReport | undefined {
  const { state, seconds } = data;
  if (seconds === undefined) return undefined;
  const gpusByJob = new Map<string, GpuAssignment[]>();
  for (const a of data.gpus) for (const jobid of a.jobids) gpusByJob.set(jobid, [...(gpusByJob.get(jobid) ?? []), a]);
  return {
    version: 1,
    node: data.node,
    timestampMs: data.nowMs,
    intervalMs: seconds * 1000,
    cpus: data.cpus,
    power: {
      ...(data.raplWatts === undefined ? {} : { raplWatts: data.raplWatts }),
      ...(data.gpuWatts === undefined ? {} : { gpuWatts: data.gpuWatts }),
      // Absent without RAPL; one simulated zone (the demo's stand-in) makes the node's energy simulated.
      ...(data.rapl.length === 0 ? {} : { raplSource: data.rapl.some((z) => z.simulated) ? 'simulated' : 'measured' }),
    },
    jobs: data.readings.map((r) => {
      const acc = state.jobs[r.jobid];
      const util = data.utilization.get(r.jobid);
      return {
        jobid: r.jobid,
        ...(r.uid === undefined ? {} : { uid: r.uid }),
        cpus: r.cpus.length,
        cpuSeconds: r.cpuSeconds,
        ...(util === undefined ? {} : { cpuUtilization: util }),
        memoryUsedBytes: r.memory?.usedBytes ?? 0,
        ...(r.memory?.peakBytes === undefined ? {} : { memoryPeakBytes: r.memory.peakBytes }),
        ...(r.memory?.limitBytes === undefined ? {} : { memoryLimitBytes: r.memory.limitBytes }),
        ...(r.memory?.oomKills === undefined ? {} : { oomKills: r.memory.oomKills }),
        ...(r.memory?.pressure === undefined ? {} : { memoryPressure: r.memory.pressure }),
        ...(acc?.energyMeasured ? { energyJoules: acc.cpuJoules + acc.gpuJoules } : {}),
        gpuSeconds: acc?.gpuSeconds ?? 0,
        gpus: (gpusByJob.get(r.jobid) ?? []).map((a) => ({
          index: a.gpu.index,
          ...(a.gpu.utilization === undefined ? {} : { utilization: a.gpu.utilization }),
          ...(a.gpu.memoryUsedBytes === undefined ? {} : { memoryUsedBytes: a.gpu.memoryUsedBytes }),
          ...(a.gpu.powerWatts === undefined ? {} : { powerWatts: a.gpu.powerWatts }),
        })),
      };
    }),
  };
}
