import { createDataFrame, DataFrame, FieldType } from '@grafana/data';
import { count, list, num, obj, str } from './json';

/** One row of the availability frame: one partition and one resource. */
interface Row {
  partition: string;
  resource: string;
  idle: number;
  allocated: number;
  down: number;
  drain: number;
  preemptable: number;
  available: number;
  total: number;
  free_1h: number;
  free_6h: number;
}

/**
 * ctld's nine states folded into the panel's four, so that idle + allocated + down + drain = total:
 * - reserved (an active reservation or maintenance: held for somebody else) counts as drain;
 * - planned (held by backfill for a pending job) and completing (still releasing its last job)
 *   count as allocated: both are busy for a while and free up on their own;
 * - powered_down (power saving) counts as down, as the contract says; mixed nodes are allocated.
 * For nodes the same holds with `mixed` added to allocated.
 */
function fold(byState: Readonly<Record<string, unknown>>): Pick<Row, 'idle' | 'allocated' | 'down' | 'drain'> {
  const c = (k: string): number => count(byState[k]);
  return {
    idle: c('idle'),
    allocated: c('mixed') + c('allocated') + c('planned') + c('completing'),
    down: c('down') + c('powered_down'),
    drain: c('drain') + c('reserved'),
  };
}

/** A row from ctld's ResourceCounts (`cpus`, `memoryBytes`, `gpus`, `gpusByType[t]`). */
function resourceRow(partition: string, resource: string, counts: unknown): Row {
  const r = obj(counts);
  const folded = fold(obj(r.byState));
  const within = obj(r.freeWithin);
  const preemptable = count(r.preemptable);
  const available = Number.isNaN(num(r.available)) ? folded.idle + preemptable : num(r.available);
  return {
    partition,
    resource,
    ...folded,
    preemptable,
    available,
    total: num(r.total),
    free_1h: num(within['1h']),
    free_6h: num(within['6h']),
  };
}

/** The `nodes` row: node states folded; ctld models no preemptable whole nodes, so available = idle. */
function nodesRow(partition: string, p: Readonly<Record<string, unknown>>): Row {
  const states = obj(p.nodes);
  const folded = fold(states);
  const total = Object.values(states).reduce<number>((s, v) => s + count(v), 0);
  const within = obj(p.nodesFreeWithin);
  return {
    partition,
    resource: 'nodes',
    ...folded,
    preemptable: 0,
    available: folded.idle,
    total,
    free_1h: num(within['1h']),
    free_6h: num(within['6h']),
  };
}

/** The GPU types any partition has (untyped GPUs, type "", only count in `gpus`), sorted. */
function gpuTypes(partitions: ReadonlyArray<Readonly<Record<string, unknown>>>): string[] {
  const types = new Set<string>();
  for (const p of partitions) {
    for (const t of Object.keys(obj(p.gpusByType))) {
      if (t !== '') {
        types.add(t);
      }
    }
  }
  return [...types].sort();
}

/** All rows: per partition nodes, cpus, memory_bytes, then gpus and gpus:<type> where the cluster has GPUs. */
function rows(partitions: ReadonlyArray<Readonly<Record<string, unknown>>>): Row[] {
  const out: Row[] = [];
  const anyGpu = partitions.some((p) => num(obj(p.gpus).total) > 0);
  const types = gpuTypes(partitions);
  for (const p of partitions) {
    const name = str(p.partition);
    out.push(nodesRow(name, p), resourceRow(name, 'cpus', p.cpus), resourceRow(name, 'memory_bytes', p.memoryBytes));
    if (anyGpu) {
      out.push(resourceRow(name, 'gpus', p.gpus));
    }
    const byType = obj(p.gpusByType);
    for (const t of types) {
      if (byType[t] !== undefined) {
        out.push(resourceRow(name, `gpus:${t}`, byType[t]));
      }
    }
  }
  return out;
}

const NUMBER_FIELDS = [
  'idle',
  'allocated',
  'down',
  'drain',
  'preemptable',
  'available',
  'total',
  'free_1h',
  'free_6h',
] as const;

/** The partitions frame: one row per partition and resource, the contract's field names. Pure. */
export function partitionsFrame(json: unknown): DataFrame {
  const all = rows(list(obj(json).partitions).map(obj));
  return createDataFrame({
    name: 'availability',
    refId: 'A',
    fields: [
      { name: 'partition', type: FieldType.string, values: all.map((r) => r.partition) },
      { name: 'resource', type: FieldType.string, values: all.map((r) => r.resource) },
      ...NUMBER_FIELDS.map((k) => ({ name: k, type: FieldType.number, values: all.map((r) => r[k]) })),
    ],
  });
}

/** The grid frame (node, state, partition): one row per node and partition; a node in none gets partition "". Pure. */
export function gridFrame(nodes: readonly unknown[]): DataFrame {
  const node: string[] = [];
  const state: string[] = [];
  const partition: string[] = [];
  for (const raw of nodes) {
    const n = obj(raw);
    const parts = list(n.partitions).map(str);
    for (const p of parts.length > 0 ? parts : ['']) {
      node.push(str(n.node));
      state.push(str(n.state));
      partition.push(p);
    }
  }
  return createDataFrame({
    name: 'nodes',
    refId: 'B',
    fields: [
      { name: 'node', type: FieldType.string, values: node },
      { name: 'state', type: FieldType.string, values: state },
      { name: 'partition', type: FieldType.string, values: partition },
    ],
  });
}

/**
 * ctld's GET /api/v1/availability answer as the availability panel's frames: the partitions frame,
 * then the grid frame when the answer lists its nodes. Pure.
 */
export function availabilityFrames(json: unknown): DataFrame[] {
  const nodes = obj(json).nodes;
  const frames = [partitionsFrame(json)];
  if (Array.isArray(nodes)) {
    frames.push(gridFrame(nodes));
  }
  return frames;
}
