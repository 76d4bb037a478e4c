import type { Webjob } from '../../webjobs.js';
import type { NodeFigure } from '../types.js';

/** What {@link oomKilled} found, and the counts to remember for the next cycle. */
export interface OomResult {
  /** True when a node's count rose above the last one seen, or is above 0 at first sight. */
  readonly rose: boolean;
  /** OOM kills over the job's reporting nodes. */
  readonly total: number;
  readonly message: string;
  readonly nodes: readonly NodeFigure[];
  /** The counts per node to remember (the previous ones where no report came). */
  readonly seen: Readonly<Record<string, number>>;
}

/** oom_killed: compares each node's OOM-kill count with the last one seen for the job. Pure. */
export function oomKilled(job: Webjob, seen: Readonly<Record<string, number>>): OomResult {
  const next: Record<string, number> = { ...seen };
  let rose = false;
  for (const n of job.nodes) {
    if (n.oomKills === undefined) continue;
    // A lower count than before (an agent restart cannot lower the cgroup's) is taken as the new base.
    if (n.oomKills > (seen[n.node] ?? 0)) rose = true;
    next[n.node] = n.oomKills;
  }
  const nodes = Object.entries(next)
    .filter(([, v]) => v > 0)
    .map(([node, v]) => ({ node, text: `${v} OOM kill${v === 1 ? '' : 's'}`, value: v }))
    .sort((a, b) => b.value - a.value || a.node.localeCompare(b.node));
  const total = nodes.reduce((s, n) => s + n.value, 0);
  return {
    rose,
    total,
    message: `the kernel killed ${total} process${total === 1 ? '' : 'es'} of the job for want of memory (OOM kill)`,
    nodes,
    seen: next,
  };
}
