import type { FamilyDesc, MetricFamily, Sample } from '@slurmscope/model';
import { FREE_WINDOWS, type FreeWithin } from './availability-freeing.js';
import {
  NODE_STATES,
  RESOURCE_STATES,
  type Availability,
  type PartitionAvailability,
  type ResourceCounts,
} from './availability.js';
import { CTLD_FAMILIES as F } from './metrics.js';

/** The three families of one resource: by state, preemptable, available. */
interface ResourceDescs {
  readonly byState: FamilyDesc;
  readonly preemptable: FamilyDesc;
  readonly available: FamilyDesc;
}

/**
 * The Prometheus families of an availability model (declared in CTLD_FAMILIES). Each `state`
 * family sums to the total: preemptable and available (idle + preemptable) have their own.
 */
export function availabilityFamilies(a: Availability): MetricFamily[] {
  const fam = (desc: FamilyDesc, samples: Sample[]): MetricFamily => ({ ...desc, samples });
  const byState = <S extends string>(states: readonly S[], get: (p: PartitionAvailability) => Record<S, number>) =>
    a.partitions.flatMap((p) =>
      states.map((state) => ({ labels: { partition: p.partition, state }, value: get(p)[state] })),
    );
  const per = (get: (p: PartitionAvailability) => number): Sample[] =>
    a.partitions.map((p) => ({ labels: { partition: p.partition }, value: get(p) }));
  const resource = (d: ResourceDescs, get: (p: PartitionAvailability) => ResourceCounts): MetricFamily[] => [
    fam(
      d.byState,
      byState(RESOURCE_STATES, (p) => get(p).byState),
    ),
    fam(
      d.preemptable,
      per((p) => get(p).preemptable),
    ),
    fam(
      d.available,
      per((p) => get(p).available),
    ),
  ];
  const typed = a.partitions.flatMap((p) =>
    Object.entries(p.gpusByType).flatMap(([type, c]) =>
      RESOURCE_STATES.map((state) => ({
        labels: { partition: p.partition, gpu_type: type, state },
        value: c.byState[state],
      })),
    ),
  );
  const perType = (get: (c: ResourceCounts) => number): Sample[] =>
    a.partitions.flatMap((p) =>
      Object.entries(p.gpusByType).map(([type, c]) => ({
        labels: { partition: p.partition, gpu_type: type },
        value: get(c),
      })),
    );
  const within = (get: (p: PartitionAvailability) => FreeWithin): Sample[] =>
    a.partitions.flatMap((p) =>
      FREE_WINDOWS.map((w) => ({ labels: { partition: p.partition, within: w }, value: get(p)[w] })),
    );
  const withinByType = a.partitions.flatMap((p) =>
    Object.entries(p.gpusByType).flatMap(([type, c]) =>
      FREE_WINDOWS.map((w) => ({
        labels: { partition: p.partition, gpu_type: type, within: w },
        value: c.freeWithin[w],
      })),
    ),
  );
  return [
    fam(
      F.partitionNodes,
      byState(NODE_STATES, (p) => p.nodes),
    ),
    ...resource(
      { byState: F.partitionCpus, preemptable: F.partitionPreemptableCpus, available: F.partitionAvailableCpus },
      (p) => p.cpus,
    ),
    ...resource(
      { byState: F.partitionMemory, preemptable: F.partitionPreemptableMemory, available: F.partitionAvailableMemory },
      (p) => p.memoryBytes,
    ),
    ...resource(
      { byState: F.partitionGpus, preemptable: F.partitionPreemptableGpus, available: F.partitionAvailableGpus },
      (p) => p.gpus,
    ),
    fam(F.partitionGpusByType, typed),
    fam(
      F.partitionPreemptableGpusByType,
      perType((c) => c.preemptable),
    ),
    fam(
      F.partitionAvailableGpusByType,
      perType((c) => c.available),
    ),
    fam(
      F.partitionUp,
      per((p) => (p.state === 'UP' ? 1 : 0)),
    ),
    fam(
      F.partitionFreeingNodes,
      within((p) => p.nodesFreeWithin),
    ),
    fam(
      F.partitionFreeingCpus,
      within((p) => p.cpus.freeWithin),
    ),
    fam(
      F.partitionFreeingMemory,
      within((p) => p.memoryBytes.freeWithin),
    ),
    fam(
      F.partitionFreeingGpus,
      within((p) => p.gpus.freeWithin),
    ),
    fam(F.partitionFreeingGpusByType, withinByType),
  ];
}
