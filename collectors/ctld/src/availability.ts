import type { JobInfo, NodeInfo, PartitionInfo, PreemptConfig } from './slurm/types.js';
import { gresByType } from './slurm/parse/units.js';

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
}

/** The whole availability model of one snapshot. */
export interface Availability {
  readonly timestampMs: number;
  /** False where preemption is not modelled (preempt/qos): preemptable is 0 there. */
  readonly preemptionModelled: boolean;
  readonly partitions: readonly PartitionAvailability[];
}

/** Inputs of {@link computeAvailability}. */
export interface AvailabilityInput {
  readonly nodes: readonly NodeInfo[];
  readonly partitions: readonly PartitionInfo[];
  readonly jobs: readonly JobInfo[];
  readonly preempt: PreemptConfig;
  /** The snapshot's time, for PreemptExemptTime. */
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

/** Resources that preempting one job frees on one node. */
interface Freed {
  cpus: number;
  memoryBytes: number;
  gpusByType: Map<string, number>;
}

/** True when preemption by PriorityTier applies (PreemptType=preempt/partition_prio). */
function partitionPrio(preempt: PreemptConfig): boolean {
  return preempt.type === 'preempt/partition_prio';
}

/**
 * Who may preempt whom under preempt/partition_prio (slurm.conf(5), "PreemptType",
 * preempt.shtml): a job of partition P may preempt running jobs of partitions with a lower
 * PriorityTier whose PreemptMode is not OFF, once they have run PreemptExemptTime. SUSPEND
 * (with GANG) frees the CPUs only: memory and GRES stay with the suspended job.
 * Returns, per victim partition, whether its jobs free memory and GRES too.
 */
function victimModes(p: PartitionInfo, byName: ReadonlyMap<string, PartitionInfo>): Map<string, boolean> {
  const out = new Map<string, boolean>();
  for (const q of byName.values()) {
    if (q.priorityTier >= p.priorityTier) continue;
    const mode = q.preemptMode.toUpperCase();
    if (mode === '' || mode === 'OFF') continue;
    out.set(q.name, !mode.includes('SUSPEND'));
  }
  return out;
}

/** Splits a job's totals evenly over its nodes (squeue gives totals; the remainder goes to the first nodes). */
function perNodeShare(total: number, nodes: number, index: number): number {
  if (nodes <= 1) return total;
  const base = Math.floor(total / nodes);
  return base + (index < total - base * nodes ? 1 : 0);
}

/** Computes availability per partition. Pure: same input, same output. */
export function computeAvailability(input: AvailabilityInput): Availability {
  const byName = new Map(input.partitions.map((p) => [p.name, p]));
  const nodesByName = new Map(input.nodes.map((n) => [n.name, n]));
  const states = new Map(input.nodes.map((n) => [n.name, nodeState(n)]));
  const modelled = partitionPrio(input.preempt);
  const exemptMs = input.preempt.exemptTimeSeconds * 1000;
  // Jobs by partition, once: each partition then looks only at its possible victims.
  const jobsByPartition = new Map<string, JobInfo[]>();
  for (const j of input.jobs) {
    if (j.state !== 'RUNNING') continue;
    if (j.startTimeMs !== undefined && input.nowMs - j.startTimeMs < exemptMs) continue;
    let list = jobsByPartition.get(j.partition);
    if (list === undefined) jobsByPartition.set(j.partition, (list = []));
    list.push(j);
  }
  const partitions = input.partitions.map((p) => {
    const freed = new Map<string, Freed>();
    if (modelled && p.state === 'UP') {
      for (const [victim, freesAll] of victimModes(p, byName)) {
        for (const j of jobsByPartition.get(victim) ?? []) addFreed(freed, j, freesAll);
      }
    }
    return partitionAvailability({ p, nodesByName, states, freed });
  });
  return { timestampMs: input.nowMs, preemptionModelled: modelled, partitions };
}

function addFreed(freed: Map<string, Freed>, j: JobInfo, freesAll: boolean): void {
  const n = j.nodes.length;
  j.nodes.forEach((node, i) => {
    let f = freed.get(node);
    if (f === undefined) freed.set(node, (f = { cpus: 0, memoryBytes: 0, gpusByType: new Map() }));
    f.cpus += perNodeShare(j.cpus, n, i);
    if (!freesAll) return;
    f.memoryBytes += perNodeShare(j.memoryBytes, n, i);
    for (const [type, count] of Object.entries(j.gpusByType)) {
      f.gpusByType.set(type, (f.gpusByType.get(type) ?? 0) + perNodeShare(count, n, i));
    }
  });
}

/** Mutable counters while summing one partition. */
class Acc {
  readonly byState = Object.fromEntries(RESOURCE_STATES.map((s) => [s, 0])) as Record<ResourceState, number>;
  preemptable = 0;
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
    };
  }
}

interface PartitionArgs {
  readonly p: PartitionInfo;
  readonly nodesByName: ReadonlyMap<string, NodeInfo>;
  readonly states: ReadonlyMap<string, NodeState>;
  readonly freed: ReadonlyMap<string, Freed>;
}

function partitionAvailability({ p, nodesByName, states, freed }: PartitionArgs): PartitionAvailability {
  const up = p.state === 'UP';
  const nodes = Object.fromEntries(NODE_STATES.map((s) => [s, 0])) as Record<NodeState, number>;
  const cpus = new Acc();
  const mem = new Acc();
  const gpusByType = new Map<string, Acc>();
  const gpuAcc = (t: string): Acc => {
    let a = gpusByType.get(t);
    if (a === undefined) gpusByType.set(t, (a = new Acc()));
    return a;
  };
  for (const name of p.nodes) {
    const node = nodesByName.get(name);
    if (node === undefined) continue;
    const ns = states.get(name) ?? 'down';
    nodes[ns]++;
    // A partition that is not UP gives nothing: its free capacity counts as down (or drain).
    const rest: ResourceState = up ? freeState(ns) : p.state === 'DRAIN' ? 'drain' : 'down';
    const allocCpus = Math.min(node.allocCpus, node.cpus);
    cpus.add('allocated', allocCpus);
    cpus.add(rest, node.cpus - allocCpus);
    const allocMem = Math.min(node.allocMemoryBytes, node.memoryBytes);
    mem.add('allocated', allocMem);
    mem.add(rest, node.memoryBytes - allocMem);
    const total = gresByType(node.gres, 'gpu');
    const used = gresByType(node.gresUsed, 'gpu');
    for (const [type, count] of total) {
      const u = Math.min(used.get(type) ?? 0, count);
      gpuAcc(type).add('allocated', u);
      gpuAcc(type).add(rest, count - u);
    }
    // Preempting frees resources only on nodes that would then run the preemptor's job.
    const f = freed.get(name);
    if (f === undefined || (ns !== 'mixed' && ns !== 'allocated')) continue;
    cpus.preemptable += Math.min(f.cpus, allocCpus);
    mem.preemptable += Math.min(f.memoryBytes, allocMem);
    for (const [type, count] of f.gpusByType) {
      const u = Math.min(used.get(type) ?? 0, total.get(type) ?? 0);
      gpuAcc(type).preemptable += Math.min(count, u);
    }
  }
  const typed: Record<string, ResourceCounts> = {};
  const all = new Acc();
  for (const [type, acc] of gpusByType) {
    for (const s of RESOURCE_STATES) all.add(s, acc.byState[s]);
    all.preemptable += acc.preemptable;
    typed[type] = acc.done(up);
  }
  return {
    partition: p.name,
    state: p.state,
    priorityTier: p.priorityTier,
    nodes,
    cpus: cpus.done(up),
    memoryBytes: mem.done(up),
    gpus: all.done(up),
    gpusByType: typed,
  };
}
