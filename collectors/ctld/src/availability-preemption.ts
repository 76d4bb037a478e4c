// Who may preempt whom, for availability's "preemptable": the resources held by running jobs
// that a job of a partition may take by preemption, per node.
import { perNodeShare } from './availability-freeing.js';
import type { JobInfo, PartitionInfo, PreemptConfig } from './slurm/types.js';

/** Resources that preempting jobs frees on one node. */
export interface Freed {
  cpus: number;
  memoryBytes: number;
  gpusByType: Map<string, number>;
}

/** True when preemption by PriorityTier applies (PreemptType=preempt/partition_prio). */
export function partitionPrio(preempt: PreemptConfig): boolean {
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

/** Inputs of {@link preemptableByPartition}. */
export interface PreemptionInput {
  readonly partitions: readonly PartitionInfo[];
  readonly jobs: readonly JobInfo[];
  readonly preempt: PreemptConfig;
  /** The snapshot's time, for PreemptExemptTime. */
  readonly nowMs: number;
}

/**
 * Per partition, what a job of it may take by preemption on each node (empty where preemption
 * is not modelled, for a partition that is not UP, and for the lowest tier).
 */
export function preemptableByPartition(input: PreemptionInput): (p: PartitionInfo) => Map<string, Freed> {
  const byName = new Map(input.partitions.map((p) => [p.name, p]));
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
  return (p) => {
    const freed = new Map<string, Freed>();
    if (!modelled || p.state !== 'UP') return freed;
    for (const [victim, freesAll] of victimModes(p, byName)) {
      for (const j of jobsByPartition.get(victim) ?? []) addFreed(freed, j, freesAll);
    }
    return freed;
  };
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
