// What ctld checks in a node report before it believes it. An agent's report is a claim: the
// node must be one Slurm knows, each job must be one Slurm runs on that node, and the batch
// script may come only from the job's batch node. Its clock and interval must be plausible.
import type { NodeReport, NodeReportJob } from '@slurmscope/common';
import type { SlurmSnapshot } from './slurm/types.js';

/**
 * Why (part of) a node report was refused, for `slurmscope_ctld_node_reports_refused_total{reason}`.
 * Whole report: unknown_node, future_timestamp, stale, bad_interval, bad_value, node_token_mismatch.
 * One job: job_not_on_node (Slurm runs it elsewhere), unknown_job (Slurm does not run it, also
 * after its next poll), script_not_batch_node (the script of a job whose batch node is another).
 */
export const REFUSAL_REASONS = [
  'unknown_node',
  'unknown_job',
  'job_not_on_node',
  'script_not_batch_node',
  'future_timestamp',
  'stale',
  'bad_interval',
  'bad_value',
  'node_token_mismatch',
  'out_of_order',
] as const;

/** One reason of {@link REFUSAL_REASONS}. */
export type RefusalReason = (typeof REFUSAL_REASONS)[number];

/** The bounds of a plausible report, by ctld's clock. */
export interface PlausibilityLimits {
  /** How far ahead of ctld's clock a report's timestamp may be (agent clock skew). */
  readonly clockSkewMs: number;
  /** How old a report may be; also the longest `intervalMs` accepted and the longest a report is kept. */
  readonly maxAgeMs: number;
}

/**
 * Most OOM kills believed of one job on one node: each is a process the kernel killed, so more
 * than a million is a broken agent (or a forged report), and it would be mailed as a finding.
 */
export const MAX_OOM_KILLS = 1e6;

/** Defaults of {@link PlausibilityLimits} (ctld's `nodeReports.clockSkew` and `nodeReports.maxAge`). */
export const DEFAULT_LIMITS: PlausibilityLimits = { clockSkewMs: 60_000, maxAgeMs: 15 * 60_000 };

/**
 * Why a whole report is implausible when received at `receivedMs`, or undefined. A timestamp
 * ahead of ctld's clock would make later genuine reports look older; an interval of 0, NaN or
 * 1e300 would keep a node's data forever; an OOM-kill count above {@link MAX_OOM_KILLS} is no
 * count. Pure.
 */
export function implausible(
  report: NodeReport,
  receivedMs: number,
  limits: PlausibilityLimits,
): RefusalReason | undefined {
  const { timestampMs: t, intervalMs } = report;
  if (!Number.isFinite(t)) return 'bad_value';
  if (t > receivedMs + limits.clockSkewMs) return 'future_timestamp';
  if (t < receivedMs - limits.maxAgeMs) return 'stale';
  if (!(intervalMs > 0 && intervalMs <= limits.maxAgeMs)) return 'bad_interval';
  // memoryPressure is bounded to 0..1 by the schema; the live inspector believes oomKills as is.
  if (report.jobs.some((j) => (j.oomKills ?? 0) > MAX_OOM_KILLS)) return 'bad_value';
  return undefined;
}

/** The verdict on one job of a report: believed, refused (why), or not decidable yet. */
export type JobVerdict = 'ok' | 'pending' | 'job_not_on_node';

interface Placed {
  readonly nodes: ReadonlySet<string>;
  /** The node that runs the batch script (Slurm's batch host). */
  readonly batchNode: string | undefined;
  seenMs: number;
}

/**
 * Where Slurm runs each job, by its snapshots. A job that left the snapshot is kept for
 * `keepMs` (its agents' last reports still arrive after it ended). The batch node is the job's
 * batch host as Slurm reports it in the same poll (squeue's BatchHost, JSON `batch_host`).
 */
export class SlurmPlacement {
  private nodes: ReadonlySet<string> = new Set();
  private readonly jobs = new Map<string, Placed>();
  /** When the snapshot in force was taken; undefined before the first. */
  snapshotMs: number | undefined;

  constructor(private readonly keepMs: number) {}

  /** Takes a snapshot (once: the same or an older one again changes nothing). */
  update(snapshot: SlurmSnapshot): void {
    if (this.snapshotMs !== undefined && snapshot.timestampMs <= this.snapshotMs) return;
    this.snapshotMs = snapshot.timestampMs;
    this.nodes = new Set(snapshot.nodes.map((n) => n.name));
    for (const job of snapshot.jobs) {
      // Without a batch host from Slurm (a snapshot built without it), the first node of the list
      // stands in: Slurm starts the batch script on the first allocated node in slurm.conf order,
      // which is the node list's (name) order only where slurm.conf defines nodes in name order.
      const batchNode = job.batchHost ?? job.nodes[0];
      this.jobs.set(job.jobid, { nodes: new Set(job.nodes), batchNode, seenMs: snapshot.timestampMs });
    }
    for (const [jobid, placed] of this.jobs)
      if (snapshot.timestampMs - placed.seenMs > this.keepMs) this.jobs.delete(jobid);
  }

  /** True once a snapshot was taken. */
  get known(): boolean {
    return this.snapshotMs !== undefined;
  }

  /** True when Slurm knows `node`. */
  hasNode(node: string): boolean {
    return this.nodes.has(node);
  }

  /** Whether Slurm runs `jobid` on `node`; pending when it does not know the job (yet). */
  verdict(node: string, jobid: string): JobVerdict {
    const placed = this.jobs.get(jobid);
    if (placed === undefined) return 'pending';
    return placed.nodes.has(node) ? 'ok' : 'job_not_on_node';
  }

  /** True when `node` is the batch node of `jobid` (false for a job it does not know). */
  isBatchNode(node: string, jobid: string): boolean {
    return this.jobs.get(jobid)?.batchNode === node;
  }
}

/** A report's jobs sorted by what Slurm says of them, and the refusals to count. */
export interface JobCheck {
  /** Jobs Slurm runs on the node, each with its script only when the node is its batch node. */
  readonly believed: NodeReportJob[];
  /** Jobs Slurm's snapshot does not know yet (decided at the next snapshot). */
  readonly pending: NodeReportJob[];
  readonly refused: RefusalReason[];
}

/**
 * Checks each job of `node`'s report against `placement`. With `final`, a job Slurm does not
 * know is refused (unknown_job) instead of pending: the snapshot was taken after the report
 * arrived. Pure but for reading `placement`.
 */
export function checkJobs(
  placement: SlurmPlacement,
  node: string,
  jobs: readonly NodeReportJob[],
  final: boolean,
): JobCheck {
  const out: JobCheck = { believed: [], pending: [], refused: [] };
  for (const job of jobs) {
    const verdict = placement.verdict(node, job.jobid);
    if (verdict === 'pending') {
      if (final) out.refused.push('unknown_job');
      else out.pending.push(job);
    } else if (verdict === 'job_not_on_node') out.refused.push('job_not_on_node');
    else if (job.script !== undefined && !placement.isBatchNode(node, job.jobid)) {
      out.refused.push('script_not_batch_node');
      const rest = { ...job };
      delete rest.script;
      out.believed.push(rest);
    } else out.believed.push(job);
  }
  return out;
}
