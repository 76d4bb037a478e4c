import type { NodeFigure } from '../types.js';
import { pct } from '../format.js';
import { UNMEASURED, type Check } from './check.js';

/** idle_gpus: any GPU allocated to the job below the threshold utilization. */
export const idleGpus: Check = (job, threshold) => {
  const gpus: NodeFigure[] = job.nodes.flatMap((n) =>
    n.gpus.flatMap((g) =>
      g.utilization === undefined
        ? []
        : [{ node: n.node, text: `GPU ${g.index}: ${pct(g.utilization)}`, value: g.utilization }],
    ),
  );
  if (gpus.length === 0) return UNMEASURED;
  gpus.sort((a, b) => a.value - b.value || a.node.localeCompare(b.node));
  const idle = gpus.filter((g) => g.value < threshold).length;
  return {
    measured: true,
    holds: idle > 0,
    value: gpus[0]?.value ?? 0,
    message: `${idle} of the ${gpus.length} GPUs the job holds ran below ${pct(threshold)} utilization`,
    nodes: gpus,
  };
};
