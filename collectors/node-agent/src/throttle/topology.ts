import { errorMessage } from '@slurmscope/common';
import { hasCpufreq, listCpus, readOnline, readSiblings } from './cpufreq.js';

/**
 * Which CPUs the throttler may change and how they group. Hyper-threads share their physical
 * core's clock, so in `core` mode a group is one physical core (`topology/thread_siblings_list`)
 * and is throttled only when none of its threads is held; in `node` mode the group is the node.
 */

/** CPUs that are throttled or restored together. `key` identifies the group across cycles. */
export interface CpuGroup {
  readonly key: string;
  /** Every online thread of the group, with or without cpufreq (a held one keeps the group busy). */
  readonly members: readonly number[];
}

/** The node's CPU layout as the throttler sees it. */
export interface Topology {
  /** Online CPUs that have a cpufreq policy: the only ones ever written. */
  readonly writable: readonly number[];
  /** Online CPUs without a cpufreq policy (logged, never written). */
  readonly withoutCpufreq: readonly number[];
  readonly groups: readonly CpuGroup[];
}

/** Reads the topology under `root`. A CPU whose siblings cannot be read forms its own group (reported). */
export function readTopology(root: string, mode: 'node' | 'core'): { topology: Topology; problems: string[] } {
  const problems: string[] = [];
  const online: number[] = [];
  for (const cpu of listCpus(root)) {
    try {
      if (readOnline(root, cpu)) online.push(cpu);
    } catch (err) {
      problems.push(errorMessage(err));
    }
  }
  const writable: number[] = [];
  const withoutCpufreq: number[] = [];
  for (const cpu of online) {
    try {
      (hasCpufreq(root, cpu) ? writable : withoutCpufreq).push(cpu);
    } catch (err) {
      problems.push(errorMessage(err));
    }
  }
  if (mode === 'node') {
    return { topology: { writable, withoutCpufreq, groups: [{ key: 'node', members: online }] }, problems };
  }
  const onlineSet = new Set(online);
  const groups = new Map<string, number[]>();
  for (const cpu of online) {
    let siblings: number[];
    try {
      siblings = readSiblings(root, cpu).filter((c) => onlineSet.has(c));
      if (!siblings.includes(cpu)) siblings = [cpu, ...siblings].sort((a, b) => a - b);
    } catch (err) {
      problems.push(`${errorMessage(err)}; CPU ${cpu} is treated as a core of its own`);
      siblings = [cpu];
    }
    const key = siblings.join(',');
    if (!groups.has(key)) groups.set(key, siblings);
  }
  return { topology: { writable, withoutCpufreq, groups: mergeOverlapping([...groups.values()]) }, problems };
}

/** Groups that share a CPU (inconsistent sibling lists) are merged, so no CPU is in two groups. */
function mergeOverlapping(lists: number[][]): CpuGroup[] {
  const merged: Set<number>[] = [];
  for (const list of lists) {
    const hits = merged.filter((m) => list.some((c) => m.has(c)));
    const into = new Set(list);
    for (const h of hits) {
      for (const c of h) into.add(c);
      merged.splice(merged.indexOf(h), 1);
    }
    merged.push(into);
  }
  return merged
    .map((s) => [...s].sort((a, b) => a - b))
    .sort((a, b) => (a[0] ?? 0) - (b[0] ?? 0))
    .map((members) => ({ key: members.join(','), members }));
}
