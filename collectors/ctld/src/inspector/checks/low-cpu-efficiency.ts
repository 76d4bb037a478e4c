import { pct } from '../format.js';
import { cpuFigures, UNMEASURED, type Check } from './check.js';

/** low_cpu_efficiency: CPU time used / CPU time held over the measured nodes below the threshold. */
export const lowCpuEfficiency: Check = (job, threshold) => {
  if (job.cpuEfficiency === undefined) return UNMEASURED;
  const cpus = job.nodes.reduce((s, n) => s + (n.cpuUtilization === undefined ? 0 : (n.cpus ?? 0)), 0);
  return {
    measured: true,
    holds: job.cpuEfficiency < threshold,
    value: job.cpuEfficiency,
    message: `the job used ${pct(job.cpuEfficiency)} of the ${cpus} CPUs it holds (below ${pct(threshold)})`,
    nodes: cpuFigures(job.nodes),
  };
};
