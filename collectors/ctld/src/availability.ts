import type { JobInfo, NodeInfo, PartitionInfo, PreemptConfig } from './slurm/types.js';
import { gresByType } from './slurm/parse/units.js';
import {
  addNodeFreeing,
  emptyFree,
  freeWithin,
  nodeFreeing,
  type FreeWithin,
  type NodeFreeing,
} from './availability-freeing.js';
import { partitionPrio, preemptableByPartition, type Freed } from './availability-preemption.js';

/**
 * What a node is, for availability. First match wins:
 * - down: base DOWN/ERROR/FUTURE/UNKNOWN, or NOT_RESPONDING, FAIL/FAILING, INVALID(_REG)
 * - powered_down: POWERED_DOWN, POWER_DOWN, POWERING_DOWN, POWERING_UP (power saving)
 * - drain: DRAIN, DRAINING, DRAINED (and REBOOT_REQUESTED/REBOOT_ISSUED, which drain too)
 * - reserved: RESERVED or MAINTENANCE (in an active reservation: not for everyone)
 * - planned: PLANNED without allocations (backfill holds it for a pending job)
 * - completing: COMPLETING without allocations
 * - else idle / mixed / allocated by allocated CPUs.
 * Allocated CPUs, memory and GPUs always count as allocated; only the rest takes the node's state.
 */
export const NODE_STATES = [
  'idle',
  'mixed',
  'allocated',
  'down',
  'drain',
  'reserved',
  'powered_down',
  'planned',
  'completing',
] as const;

/** One availability state of a node. */
export type NodeState = (typeof NODE_STATES)[number];

/** States of CPUs, memory and GPUs (a resource is never "mixed"). */
export const RESOURCE_STATES = [
  'idle',
  'allocated',
  'down',
  'drain',
  'reserved',
  'powered_down',
  'planned',
  'completing',
] as const;

/** One availability state of a resource unit. */
export type ResourceState = (typeof RESOURCE_STATES)[number];

/** Amounts of one resource in one partition. */
export interface ResourceCounts {
  readonly byState: Readonly<Record<ResourceState, number>>;
  /** Held by running jobs that a job of this partition may preempt. */
  readonly preemptable: number;
  /** idle + preemptable: what a job of this partition can get now. */
  readonly available: number;
  readonly total: number;
  /**
   * What RUNNING jobs release within 1 h / 6 h by their Slurm end times (start + time limit as
   * slurmctld keeps it; jobs without one, UNLIMITED, never count): each job's per-node share, on
   * the partition's mixed, allocated or completing nodes only (a drained, down, reserved or
   * powered-down node frees nothing usable), capped by what is allocated on the node. Cumulative
   * (6h includes 1h); 0 when the partition is not UP. See availability-freeing.ts.
   */
  readonly freeWithin: FreeWithin;
}

/** Availability of one partition. */
export interface PartitionAvailability {
  readonly partition: string;
  /** UP, DOWN, DRAIN, INACTIVE: not UP means nothing is available (idle capacity reported as down/drain). */
  readonly state: string;
  readonly priorityTier: number;
  readonly nodes: Readonly<Record<NodeState, number>>;
  readonly cpus: ResourceCounts;
  readonly memoryBytes: ResourceCounts;
  readonly gpus: ResourceCounts;
  /** GPUs by GRES type ("" for untyped GPUs). */
  readonly gpusByType: Readonly<Record<string, ResourceCounts>>;
  /**
   * Mixed or allocated nodes of the partition whose every job ends within 1 h / 6 h by its Slurm
   * end time (a COMPLETING job is ending now; a RUNNING job without an end time keeps its node).
   * 0 when the partition is not UP.
   */
  readonly nodesFreeWithin: FreeWithin;
}

/** One node for the availability grid. */
export interface AvailabilityNode {
  readonly node: string;
  /** {@link nodeState} of the node. */
  readonly state: NodeState;
  /** The partitions that list the node (scontrol show partition), in the answer's order. */
  readonly partitions: readonly string[];
}

/** The whole availability model of one snapshot. */
export interface Availability {
  readonly timestampMs: number;
  /** False where preemption is not modelled (preempt/qos): preemptable is 0 there. */
  readonly preemptionModelled: boolean;
  readonly partitions: readonly PartitionAvailability[];
  /** Every node Slurm reports, in its order, with its state: the grid's input. */
  readonly nodes: readonly AvailabilityNode[];
}

/** Inputs of {@link computeAvailability}. */
export interface AvailabilityInput {
  readonly nodes: readonly NodeInfo[];
  readonly partitions: readonly PartitionInfo[];
  readonly jobs: readonly JobInfo[];
  readonly preempt: PreemptConfig;
  /** The snapshot's time, for PreemptExemptTime and the windows of what frees within 1 h / 6 h. */
  readonly nowMs: number;
}

const DOWN_FLAGS = new Set(['NOT_RESPONDING', 'FAIL', 'FAILING', 'INVALID', 'INVALID_REG']);
const DOWN_BASES = new Set(['DOWN', 'ERROR', 'FUTURE', 'UNKNOWN']);
const POWER_FLAGS = new Set(['POWERED_DOWN', 'POWER_DOWN', 'POWERING_DOWN', 'POWERING_UP']);
const DRAIN_FLAGS = new Set(['DRAIN', 'DRAINING', 'DRAINED', 'REBOOT_REQUESTED', 'REBOOT_ISSUED']);
const RESERVED_FLAGS = new Set(['RESERVED', 'MAINTENANCE', 'MAINT']);

/** Classifies a node by the rules documented on {@link NODE_STATES}. */
export function nodeState(node: NodeInfo): NodeState {
  const has = (set: ReadonlySet<string>): boolean => node.flags.some((f) => set.has(f));
  if (DOWN_BASES.has(node.state) || has(DOWN_FLAGS)) return 'down';
  if (has(POWER_FLAGS)) return 'powered_down';
  if (has(DRAIN_FLAGS)) return 'drain';
  if (has(RESERVED_FLAGS)) return 'reserved';
  const busy = node.allocCpus > 0 || node.state === 'ALLOCATED' || node.state === 'MIXED';
  if (!busy && node.flags.includes('PLANNED')) return 'planned';
  if (!busy && node.flags.includes('COMPLETING')) return 'completing';
  if (!busy) return 'idle';
  return node.allocCpus >= node.cpus || (node.allocCpus === 0 && node.state === 'ALLOCATED') ? 'allocated' : 'mixed';
}

/** Where a node's unallocated resources go for a node state. */
function freeState(state: NodeState): ResourceState {
  return state === 'mixed' || state === 'allocated' ? 'idle' : state;
}

/** Computes availability per partition. Pure: same input, same output. */
export function computeAvailability(input: AvailabilityInput): Availability {
  const nodesByName = new Map(input.nodes.map((n) => [n.name, n]));
  const states = new Map(input.nodes.map((n) => [n.name, nodeState(n)]));
  const preemptable = preemptableByPartition(input);
  const freeing = nodeFreeing(input.jobs, input.nowMs);
  const partitions = input.partitions.map((p) => {
    const sums = new PartitionSums(p, preemptable(p), freeing);
    for (const name of p.nodes) {
      const node = nodesByName.get(name);
      if (node !== undefined) sums.addNode(node, states.get(name) ?? 'down');
    }
    return sums.done();
  });
  const nodes = nodeList(input, states);
  return { timestampMs: input.nowMs, preemptionModelled: partitionPrio(input.preempt), partitions, nodes };
}

/** The grid: every node with its state and the partitions that list it. */
function nodeList(input: AvailabilityInput, states: ReadonlyMap<string, NodeState>): AvailabilityNode[] {
  const member = new Map<string, string[]>();
  for (const p of input.partitions) {
    for (const n of p.nodes) {
      const list = member.get(n);
      if (list === undefined) member.set(n, [p.name]);
      else list.push(p.name);
    }
  }
  return input.nodes.map((n) => ({
    node: n.name,
    state: states.get(n.name) ?? 'down',
    partitions: member.get(n.name) ?? [],
  }));
}

/** Mutable counters while summing one partition. */
class Acc {
  readonly byState = Object.fromEntries(RESOURCE_STATES.map((s) => [s, 0])) as Record<ResourceState, number>;
  preemptable = 0;
  readonly free = emptyFree();
  add(state: ResourceState, amount: number): void {
    this.byState[state] += amount;
  }
  done(partitionUp: boolean): ResourceCounts {
    const total = RESOURCE_STATES.reduce((s, k) => s + this.byState[k], 0);
    const preemptable = partitionUp ? this.preemptable : 0;
    return {
      byState: this.byState,
      preemptable,
      available: (partitionUp ? this.byState.idle : 0) + preemptable,
      total,
      freeWithin: freeWithin(this.free, partitionUp),
    };
  }
}

/** The sums of one partition while its nodes are added. */
class PartitionSums {
  private readonly up: boolean;
  private readonly nodes = Object.fromEntries(NODE_STATES.map((s) => [s, 0])) as Record<NodeState, number>;
  private readonly nodesFree = emptyFree();
  private readonly cpus = new Acc();
  private readonly mem = new Acc();
  private readonly gpusByType = new Map<string, Acc>();

  constructor(
    private readonly p: PartitionInfo,
    private readonly preempted: ReadonlyMap<string, Freed>,
    private readonly freeing: ReadonlyMap<string, NodeFreeing>,
  ) {
    this.up = p.state === 'UP';
  }

  private readonly gpu = (t: string): Acc => {
    let a = this.gpusByType.get(t);
    if (a === undefined) this.gpusByType.set(t, (a = new Acc()));
    return a;
  };

  addNode(node: NodeInfo, ns: NodeState): void {
    const { cpus, mem, gpu } = this;
    this.nodes[ns]++;
    // A partition that is not UP gives nothing: its free capacity counts as down (or drain).
    const rest: ResourceState = this.up ? freeState(ns) : this.p.state === 'DRAIN' ? 'drain' : 'down';
    const allocCpus = Math.min(node.allocCpus, node.cpus);
    cpus.add('allocated', allocCpus);
    cpus.add(rest, node.cpus - allocCpus);
    const allocMemoryBytes = Math.min(node.allocMemoryBytes, node.memoryBytes);
    mem.add('allocated', allocMemoryBytes);
    mem.add(rest, node.memoryBytes - allocMemoryBytes);
    const used = gresByType(node.gresUsed, 'gpu');
    const gpusInUse = new Map<string, number>();
    for (const [type, count] of gresByType(node.gres, 'gpu')) {
      const u = Math.min(used.get(type) ?? 0, count);
      gpusInUse.set(type, u);
      gpu(type).add('allocated', u);
      gpu(type).add(rest, count - u);
    }
    const f = this.freeing.get(node.name);
    if (this.up && f !== undefined) {
      addNodeFreeing({
        f,
        state: ns,
        allocCpus,
        allocMemoryBytes,
        gpusInUse,
        cpus,
        memoryBytes: mem,
        gpu,
        nodes: this.nodesFree,
      });
    }
    // Preempting frees resources only on nodes that would then run the preemptor's job.
    const pre = this.preempted.get(node.name);
    if (pre === undefined || (ns !== 'mixed' && ns !== 'allocated')) return;
    cpus.preemptable += Math.min(pre.cpus, allocCpus);
    mem.preemptable += Math.min(pre.memoryBytes, allocMemoryBytes);
    for (const [type, count] of pre.gpusByType) gpu(type).preemptable += Math.min(count, gpusInUse.get(type) ?? 0);
  }

  done(): PartitionAvailability {
    const typed: Record<string, ResourceCounts> = {};
    const all = new Acc();
    for (const [type, acc] of this.gpusByType) {
      for (const s of RESOURCE_STATES) all.add(s, acc.byState[s]);
      all.preemptable += acc.preemptable;
      acc.free.forEach((n, w) => (all.free[w]! += n));
      typed[type] = acc.done(this.up);
    }
    return {
      partition: this.p.name,
      state: this.p.state,
      priorityTier: this.p.priorityTier,
      nodes: this.nodes,
      cpus: this.cpus.done(this.up),
      memoryBytes: this.mem.done(this.up),
      gpus: all.done(this.up),
      gpusByType: typed,
      nodesFreeWithin: freeWithin(this.nodesFree, this.up),
    };
  }
}
