// What frees up soon: the resources running jobs release by their time limits, as Slurm's own
// end times say (JobInfo.endTimeMs: start + limit as slurmctld keeps it). A job may end earlier
// (most do), never later (slurmctld kills it at its limit, OverTimeLimit aside): these are lower
// bounds of what frees within each window, not a forecast.
import type { NodeState } from './availability.js';
import type { JobInfo } from './slurm/types.js';

/** The windows of "frees within", shortest first (cumulative: 6h includes what frees within 1h). */
export const FREE_WINDOWS = ['1h', '6h'] as const;

/** One window of {@link FREE_WINDOWS}. */
export type FreeWindow = (typeof FREE_WINDOWS)[number];

/** An amount per window. */
export type FreeWithin = Readonly<Record<FreeWindow, number>>;

const WINDOW_MS: Readonly<Record<FreeWindow, number>> = { '1h': 3600_000, '6h': 6 * 3600_000 };

/** What ending jobs release on one node within one window (each job's share of the node). */
interface Released {
  cpus: number;
  memoryBytes: number;
  gpusByType: Map<string, number>;
}

/** What the jobs on one node release within each window, and whether all of them end within it. */
export interface NodeFreeing {
  /** Per window, in the order of {@link FREE_WINDOWS}. */
  readonly released: readonly Released[];
  /** Per window: every job on the node ends within it (a job without an end time never does). */
  readonly allEnd: readonly boolean[];
}

/** Splits a job's totals evenly over its nodes (as availability's preemption does: the remainder goes to the first nodes). */
export function perNodeShare(total: number, nodes: number, index: number): number {
  if (nodes <= 1) return total;
  const base = Math.floor(total / nodes);
  return base + (index < total - base * nodes ? 1 : 0);
}

/**
 * What the snapshot's jobs release per node and window, in one pass over the jobs (each
 * partition then only looks up its nodes). RUNNING jobs release their share of each node when
 * their end time is at most `nowMs` + the window; a job without an end time (UNLIMITED) never.
 * A COMPLETING job counts as ending now when deciding whether all of a node's jobs end; what it
 * still holds is not counted as released (only RUNNING jobs' resources are).
 */
export function nodeFreeing(jobs: readonly JobInfo[], nowMs: number): Map<string, NodeFreeing> {
  const limits = FREE_WINDOWS.map((w) => nowMs + WINDOW_MS[w]);
  const out = new Map<string, { released: Released[]; lastEndMs: number }>();
  for (const j of jobs) {
    const running = j.state === 'RUNNING';
    const end = running ? (j.endTimeMs ?? Infinity) : j.state === 'COMPLETING' ? nowMs : Infinity;
    const gpus = running && end <= limits[limits.length - 1]! ? Object.entries(j.gpusByType) : [];
    const n = j.nodes.length;
    for (let i = 0; i < n; i++) {
      const node = j.nodes[i]!;
      let f = out.get(node);
      if (f === undefined) {
        f = { released: limits.map(() => ({ cpus: 0, memoryBytes: 0, gpusByType: new Map() })), lastEndMs: end };
        out.set(node, f);
      } else if (end > f.lastEndMs) f.lastEndMs = end;
      if (!running) continue;
      for (let w = 0; w < limits.length; w++) {
        if (end > limits[w]!) continue;
        const r = f.released[w]!;
        r.cpus += perNodeShare(j.cpus, n, i);
        r.memoryBytes += perNodeShare(j.memoryBytes, n, i);
        for (const [type, count] of gpus)
          r.gpusByType.set(type, (r.gpusByType.get(type) ?? 0) + perNodeShare(count, n, i));
      }
    }
  }
  const result = new Map<string, NodeFreeing>();
  for (const [node, f] of out) {
    result.set(node, { released: f.released, allEnd: limits.map((l) => f.lastEndMs <= l) });
  }
  return result;
}

/** A partition's running sum of one resource, per window (in the order of {@link FREE_WINDOWS}). */
export interface FreeSink {
  readonly free: number[];
}

/** One node of a partition, as {@link addNodeFreeing} needs it. */
export interface NodeFreeingArgs {
  readonly f: NodeFreeing;
  readonly state: NodeState;
  readonly allocCpus: number;
  readonly allocMemoryBytes: number;
  /** GPUs in use per type (capped by the configured count). */
  readonly gpusInUse: ReadonlyMap<string, number>;
  readonly cpus: FreeSink;
  readonly memoryBytes: FreeSink;
  readonly gpu: (type: string) => FreeSink;
  /** Nodes whose every job ends within each window. */
  readonly nodes: number[];
}

/**
 * Adds what one node of an UP partition frees within each window. Only a node that would then
 * run a job counts (mixed, allocated, completing: a drained, down, reserved or powered-down node
 * frees nothing usable), and never more than is allocated on it; a node counts as freed when it
 * is mixed or allocated and every job on it ends within the window.
 */
export function addNodeFreeing(a: NodeFreeingArgs): void {
  if (a.state !== 'mixed' && a.state !== 'allocated' && a.state !== 'completing') return;
  a.f.released.forEach((r, w) => {
    a.cpus.free[w]! += Math.min(r.cpus, a.allocCpus);
    a.memoryBytes.free[w]! += Math.min(r.memoryBytes, a.allocMemoryBytes);
    for (const [type, count] of gpusReleased(r.gpusByType, a.gpusInUse)) a.gpu(type).free[w]! += count;
    if (a.state !== 'completing' && a.f.allEnd[w]) a.nodes[w]! += 1;
  });
}

/**
 * GPUs released per node type: a job's typed GPUs capped by what is in use of that type; its
 * untyped ones ("" from a request without a type, `--gres=gpu:2`, read where the allocation
 * does not list them) fill the node's types in use, as slurmctld picked one of them.
 */
function gpusReleased(released: ReadonlyMap<string, number>, inUse: ReadonlyMap<string, number>): Map<string, number> {
  const out = new Map<string, number>();
  for (const [type, used] of inUse) out.set(type, Math.min(released.get(type) ?? 0, used));
  let untyped = inUse.has('') ? 0 : (released.get('') ?? 0);
  for (const [type, used] of inUse) {
    if (untyped <= 0) break;
    const take = Math.min(untyped, used - (out.get(type) ?? 0));
    out.set(type, (out.get(type) ?? 0) + take);
    untyped -= take;
  }
  return out;
}

/** Per-window sums as the answer's `{"1h": n, "6h": n}`; zero for a partition that is not UP. */
export function freeWithin(free: readonly number[], partitionUp: boolean): FreeWithin {
  return Object.fromEntries(FREE_WINDOWS.map((w, i) => [w, partitionUp ? (free[i] ?? 0) : 0])) as Record<
    FreeWindow,
    number
  >;
}

/** Zeroed per-window sums. */
export function emptyFree(): number[] {
  return FREE_WINDOWS.map(() => 0);
}
