import type { NodeReport, NodeReportJob } from '@slurmscope/common';
import type { MetricFamily } from '@slurmscope/model';
import {
  DEFAULT_LIMITS,
  REFUSAL_REASONS,
  SlurmPlacement,
  checkJobs,
  implausible,
  type PlausibilityLimits,
  type RefusalReason,
} from './node-report-checks.js';
import type { NodeInfo, SlurmSnapshot } from './slurm/types.js';
import { nodeState } from './availability.js';
import { NODE_REPORT_FAMILIES } from './metrics.js';

/** How a POSTed node report ended, for `slurmscope_ctld_node_reports_total{result}`. */
export type NodeReportResult = 'accepted' | 'unauthorized' | 'invalid' | 'too_large' | 'refused';

/** What became of one ingested report: kept (some of its jobs may be refused), or refused whole. */
export type IngestOutcome =
  | { readonly kept: true; readonly refused: readonly RefusalReason[] }
  | { readonly kept: false; readonly reason: RefusalReason };

/**
 * Whether a node Slurm reports should have a live agent, for `slurmscope_node_agent_up`: every
 * node but those down (DOWN/ERROR/FUTURE/UNKNOWN, NOT_RESPONDING, FAIL, ...), powered down by
 * power saving, or drained with no job left (an admin's node, whose agent may be stopped on
 * purpose). A draining node still runs jobs, so its agent is expected. Categories: availability.ts.
 */
export function expectsAgent(node: NodeInfo): boolean {
  const state = nodeState(node);
  if (state === 'down' || state === 'powered_down') return false;
  return state !== 'drain' || node.allocCpus > 0;
}

interface Held {
  /** The report with only the jobs believed so far. */
  report: NodeReport;
  /** Jobs to decide at the first snapshot taken after `receivedMs`; the node too, when `nodeUnchecked`. */
  pending: NodeReportJob[];
  nodeUnchecked: boolean;
  readonly receivedMs: number;
}

/**
 * The agents' latest node reports, one per node, in memory, checked against Slurm's snapshots
 * (see node-report-checks.ts): an implausible report or one from a node Slurm does not know is
 * refused whole; a job Slurm runs elsewhere, or a script from a node that is not the job's
 * batch node, is refused alone. A job Slurm does not know yet (started after the last poll)
 * waits for the next snapshot and is not served until then. Every refusal is counted by reason.
 *
 * A node silent for `silenceIntervals` of its own reporting interval, or for `maxAgeMs`,
 * whichever is shorter (by ctld's clock), is dropped. A report older (by its timestamp) than the
 * one held is ignored unless it arrives a full interval after it: a retried late report must not
 * replace a newer one, and a held timestamp can never hold back the node's later reports.
 */
export class NodeReportStore {
  private readonly byNode = new Map<string, Held>();
  private readonly placement: SlurmPlacement;
  private readonly limits: PlausibilityLimits;
  private readonly results: Record<NodeReportResult, number> = {
    accepted: 0,
    unauthorized: 0,
    invalid: 0,
    too_large: 0,
    refused: 0,
  };
  private readonly refusals = new Map<RefusalReason, number>(REFUSAL_REASONS.map((r) => [r, 0]));
  /** Nodes whose agent should report, from the latest snapshot (see {@link expectsAgent}). */
  private expected: readonly string[] = [];

  constructor(
    limits: Partial<PlausibilityLimits> = {},
    private readonly silenceIntervals = 3,
  ) {
    this.limits = { ...DEFAULT_LIMITS, ...limits };
    this.placement = new SlurmPlacement(this.limits.maxAgeMs);
  }

  /** Checks `report` and keeps what is believed as its node's latest; counts every refusal. */
  ingest(report: NodeReport, receivedMs: number): IngestOutcome {
    const bad = implausible(report, receivedMs, this.limits);
    if (bad !== undefined) return this.refuseWhole(bad);
    if (this.placement.known && !this.placement.hasNode(report.node)) return this.refuseWhole('unknown_node');
    const held = this.byNode.get(report.node);
    if (
      held !== undefined &&
      held.report.timestampMs > report.timestampMs &&
      receivedMs - held.receivedMs < held.report.intervalMs
    ) {
      // A late or retried report older than the one held: ignored, but counted, never silent.
      this.refuse('out_of_order');
      return { kept: true, refused: ['out_of_order'] };
    }
    let entry: Held;
    let refused: RefusalReason[] = [];
    if (!this.placement.known) entry = { report, pending: [], nodeUnchecked: true, receivedMs };
    else {
      const check = checkJobs(this.placement, report.node, report.jobs, false);
      refused = check.refused;
      entry = { report: { ...report, jobs: check.believed }, pending: check.pending, nodeUnchecked: false, receivedMs };
    }
    for (const reason of refused) this.refuse(reason);
    this.byNode.set(report.node, entry);
    return { kept: true, refused };
  }

  /** Counts a refusal found outside the store (e.g. a node token that names another node). */
  refuse(reason: RefusalReason): void {
    this.refusals.set(reason, (this.refusals.get(reason) ?? 0) + 1);
  }

  /** Counts one POST's outcome. */
  count(result: NodeReportResult): void {
    this.results[result]++;
  }

  /**
   * Takes Slurm's latest snapshot (when given), decides what waited for it, drops silent nodes,
   * and returns the believed part of every node's latest report.
   */
  latest(nowMs: number, snapshot?: SlurmSnapshot): NodeReport[] {
    if (snapshot !== undefined) {
      this.placement.update(snapshot);
      // Only the snapshot in force (an older one given again changes nothing, as for placement).
      if (this.placement.snapshotMs === snapshot.timestampMs)
        this.expected = snapshot.nodes.filter(expectsAgent).map((n) => n.name);
    }
    const out: NodeReport[] = [];
    for (const [node, held] of this.byNode) {
      const fate = this.expired(held, nowMs) ? 'drop' : this.decide(held);
      if (fate === 'drop') this.byNode.delete(node);
      else if (fate === 'serve') out.push(held.report);
    }
    return out;
  }

  /** Nodes with a report held right now (silent ones not yet pruned included). */
  get size(): number {
    return this.byNode.size;
  }

  /**
   * `slurmscope_ctld_node_reports_total{result}`, `slurmscope_ctld_node_reports_refused_total{reason}`,
   * `slurmscope_ctld_nodes_reporting` and `slurmscope_node_agent_up{node}` (1 while the node's
   * latest report is fresh, 0 when it has none or it is older than 3 of its intervals or maxAge).
   */
  families(nowMs: number): MetricFamily[] {
    let live = 0;
    for (const held of this.byNode.values()) if (!this.expired(held, nowMs)) live++;
    const up = (node: string): number => {
      const held = this.byNode.get(node);
      return held !== undefined && !this.expired(held, nowMs) ? 1 : 0;
    };
    const f = NODE_REPORT_FAMILIES;
    return [
      {
        ...f.results,
        labelNames: [...f.results.labelNames],
        samples: samplesOf('result', Object.entries(this.results)),
      },
      { ...f.refused, labelNames: [...f.refused.labelNames], samples: samplesOf('reason', [...this.refusals]) },
      { ...f.reporting, labelNames: [], samples: [{ labels: {}, value: live }] },
      {
        ...f.agentUp,
        labelNames: [...f.agentUp.labelNames],
        samples: this.expected.map((node) => ({ labels: { node }, value: up(node) })),
      },
    ];
  }

  private refuseWhole(reason: RefusalReason): IngestOutcome {
    this.refuse(reason);
    this.count('refused');
    return { kept: false, reason };
  }

  private expired(held: Held, nowMs: number): boolean {
    const keep = Math.min(this.silenceIntervals * held.report.intervalMs, this.limits.maxAgeMs);
    return nowMs - held.receivedMs > keep;
  }

  /**
   * Decides what of `held` waited for a snapshot taken after it arrived: serve its believed part,
   * hold it (no snapshot yet), or drop it (its node is unknown to Slurm).
   */
  private decide(held: Held): 'serve' | 'hold' | 'drop' {
    const snapshotMs = this.placement.snapshotMs;
    if (snapshotMs === undefined) return 'hold';
    if (!held.nodeUnchecked && held.pending.length === 0) return 'serve';
    if (held.nodeUnchecked) {
      if (!this.placement.hasNode(held.report.node)) {
        this.refuse('unknown_node');
        return 'drop';
      }
      held.pending = [...held.report.jobs];
      held.report = { ...held.report, jobs: [] };
      held.nodeUnchecked = false;
    }
    const check = checkJobs(this.placement, held.report.node, held.pending, snapshotMs >= held.receivedMs);
    for (const reason of check.refused) this.refuse(reason);
    held.pending = check.pending;
    if (check.believed.length > 0) held.report = { ...held.report, jobs: [...held.report.jobs, ...check.believed] };
    return 'serve';
  }
}

function samplesOf(label: string, entries: ReadonlyArray<readonly [string, number]>): MetricFamily['samples'] {
  return entries.map(([value, count]) => ({ labels: { [label]: value }, value: count }));
}
