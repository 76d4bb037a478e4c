import { DataFrame } from '@grafana/data';
import { ReadResult, readFields } from '../../../common/src/fields';
import { FieldNames, fieldNames } from '../types';
import { NODE_STATES, NodeState, normalizeState, stateWords } from './states';

/** One node of the grid. */
export interface GridNode {
  readonly node: string;
  readonly state: NodeState;
  /** The state as the data spelled it (shown when it is not one of ctld's). */
  readonly rawState: string;
  readonly partitions: readonly string[];
  /** Its aria-label and tooltip: `node c001: allocated (partition batch)`. */
  readonly label: string;
}

/** The node frame shaped for the grid. */
export interface GridModel {
  /** The nodes shown (of the selected partition, if one is), in the frame's order. */
  readonly nodes: readonly GridNode[];
  /** How many of the shown nodes are in each state (the legend). */
  readonly counts: Readonly<Record<NodeState, number>>;
  /** Every partition named in the frame, before filtering. */
  readonly partitions: readonly string[];
}

/** What shapeGrid reads: the field names and an optional partition to show alone. */
export interface GridOptions {
  readonly fields?: Partial<FieldNames>;
  /** Show only this partition's nodes (the selected tile); null or absent: every node. */
  readonly partition?: string | null;
}

/** A node's aria-label and tooltip text. Pure. */
export function nodeLabel(node: string, state: NodeState, rawState: string, partitions: readonly string[]): string {
  const what = state === 'unknown' ? `unknown state${rawState ? ` "${rawState}"` : ''}` : stateWords(state);
  const where =
    partitions.length === 0 ? '' : ` (partition${partitions.length > 1 ? 's' : ''} ${partitions.join(', ')})`;
  return `node ${node}: ${what}${where}`;
}

function splitPartitions(cell: string): string[] {
  return cell
    .split(/[,;\s]+/)
    .map((p) => p.trim())
    .filter((p) => p !== '');
}

interface Draft {
  node: string;
  rawState: string;
  partitions: string[];
}

/**
 * Shapes the node frame: one node per distinct `node` (rows of the same node add partitions;
 * its first row's state counts), partitions one per row or comma-separated, states normalised
 * to ctld's. Rows without a node name are skipped. A missing field is a message naming it.
 * Pure; never throws.
 */
export function shapeGrid(frame: DataFrame | undefined, options: GridOptions = {}): ReadResult<GridModel> {
  const names = fieldNames(options.fields);
  const read = readFields(
    frame,
    {
      node: { name: names.node, kind: 'string' },
      state: { name: names.state, kind: 'string' },
      partition: { name: names.nodePartition, kind: 'string', optional: true },
    },
    'the node frame',
  );
  if (!read.ok) {
    return read;
  }
  const { node, state, partition } = read.value;
  const drafts = new Map<string, Draft>();
  const allPartitions = new Set<string>();
  for (let i = 0; i < (node?.length ?? 0); i++) {
    const name = String(node?.[i] ?? '').trim();
    if (name === '') {
      continue;
    }
    const parts = partition === undefined ? [] : splitPartitions(String(partition[i] ?? ''));
    let d = drafts.get(name);
    if (d === undefined) {
      drafts.set(name, (d = { node: name, rawState: String(state?.[i] ?? ''), partitions: [] }));
    }
    for (const p of parts) {
      allPartitions.add(p);
      if (!d.partitions.includes(p)) {
        d.partitions.push(p);
      }
    }
  }
  if (drafts.size === 0) {
    return { ok: false, message: `No nodes: the node frame has no rows with a "${names.node}".` };
  }
  const counts = Object.fromEntries(NODE_STATES.map((s) => [s, 0])) as Record<NodeState, number>;
  const nodes: GridNode[] = [];
  const only = options.partition ?? null;
  for (const d of drafts.values()) {
    if (only !== null && !d.partitions.includes(only)) {
      continue;
    }
    const s = normalizeState(d.rawState);
    counts[s]++;
    nodes.push({ ...d, state: s, label: nodeLabel(d.node, s, d.rawState, d.partitions) });
  }
  return { ok: true, value: { nodes, counts, partitions: [...allPartitions] } };
}
