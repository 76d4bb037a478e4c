import type { NodeFigure } from '../types.js';
import { gib, pct } from '../format.js';
import { UNMEASURED, type Check } from './check.js';

/**
 * memory_near_limit: on some node, the job's working set (usage minus inactive file cache, what
 * the agent sends as memoryUsedBytes) reached the threshold of its limit there: the next
 * allocation may be its OOM kill. Not the kernel's peak (memory.peak, max_usage_in_bytes): it
 * counts page cache, so a job streaming files looks near its limit with no risk of an OOM kill.
 * With sustain 0 the highest working set seen in a cycle is the peak judged.
 */
export const memoryNearLimit: Check = (job, threshold) => {
  const rows: NodeFigure[] = job.nodes.flatMap((n) => {
    const used = n.memoryUsedBytes;
    const limit = n.memoryLimitBytes;
    if (used === undefined || limit === undefined || limit <= 0) return [];
    return [{ node: n.node, text: `memory ${gib(used)} of ${gib(limit)} GiB`, value: used / limit }];
  });
  if (rows.length === 0) return UNMEASURED;
  rows.sort((a, b) => b.value - a.value || a.node.localeCompare(b.node));
  const top = rows[0]!;
  return {
    measured: true,
    holds: top.value >= threshold,
    value: top.value,
    message: `memory in use (working set) reached ${pct(top.value)} of the job's limit on ${top.node}: the next allocation may be its OOM kill`,
    nodes: rows,
  };
};
