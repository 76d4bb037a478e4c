import { pct } from '../format.js';
import { cpuFigures, UNMEASURED, type Check } from './check.js';

/**
 * uneven_load: (max − min) / max of per-node CPU utilization at or above the threshold. Only
 * multi-node jobs with at least two measured nodes: one node's figure says nothing of balance.
 */
export const unevenLoad: Check = (job, threshold) => {
  const nodes = cpuFigures(job.nodes);
  if (nodes.length < 2 || job.loadImbalance === undefined) return UNMEASURED;
  return {
    measured: true,
    holds: job.loadImbalance >= threshold,
    value: job.loadImbalance,
    message: `CPU load differed by ${pct(job.loadImbalance)} between the busiest and the idlest node (${nodes.length} nodes measured)`,
    nodes,
  };
};
