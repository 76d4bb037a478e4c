import type { Webjob, WebjobNode } from '../../webjobs.js';
import { pct } from '../format.js';
import type { NodeFigure } from '../types.js';

/** What one live rule saw in one cycle. */
export type CheckResult =
  /** Nothing to judge this cycle (no fresh report, no figure): the sustain neither advances nor resets. */
  | { readonly measured: false }
  | {
      readonly measured: true;
      /** The condition of the rule holds (the job looks bad). */
      readonly holds: boolean;
      /** The job-level figure compared with the threshold. */
      readonly value: number;
      /** What was seen, one sentence (used when the finding is raised). */
      readonly message: string;
      /** Per-node figures, the problem first. */
      readonly nodes: readonly NodeFigure[];
    };

/** A live rule's condition: pure, on one job's webjob and the rule's threshold. */
export type Check = (job: Webjob, threshold: number) => CheckResult;

/** Not measured this cycle. */
export const UNMEASURED: CheckResult = { measured: false };

/** Each measured node's CPU utilization as `CPU 3 %`, the idlest first. */
export function cpuFigures(nodes: readonly WebjobNode[]): NodeFigure[] {
  return nodes
    .filter((n) => n.cpuUtilization !== undefined)
    .map((n) => ({ node: n.node, text: `CPU ${pct(n.cpuUtilization ?? 0)}`, value: n.cpuUtilization ?? 0 }))
    .sort((a, b) => a.value - b.value || a.node.localeCompare(b.node));
}

/** Most per-node figures a finding keeps (mails, the API, the report); the rest are counted. */
export const MAX_NODE_FIGURES = 10;

/**
 * The first {@link MAX_NODE_FIGURES} figures (given busiest problem first), then one entry
 * `{ node: '…', text: 'and N more nodes', value: N }` for the rest: a 1000-node job's finding
 * stays a readable mail and a small state file.
 */
export function worstNodes(nodes: readonly NodeFigure[]): readonly NodeFigure[] {
  if (nodes.length <= MAX_NODE_FIGURES) return nodes;
  const more = nodes.length - MAX_NODE_FIGURES;
  return [...nodes.slice(0, MAX_NODE_FIGURES), { node: '…', text: `and ${more} more nodes`, value: more }];
}
