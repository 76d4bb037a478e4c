import type { NodeReport } from '@slurmscope/common';
import type { MetricFamily } from '@slurmscope/model';

/** How a POSTed node report ended, for `slurmscope_ctld_node_reports_total{result}`. */
export type NodeReportResult = 'accepted' | 'unauthorized' | 'invalid' | 'too_large';

interface Held {
  readonly report: NodeReport;
  readonly receivedMs: number;
}

/**
 * The agents' latest node reports, one per node, in memory. A node silent for `silenceIntervals`
 * of its own reporting interval (by ctld's clock, so that agent clock skew does not matter) is
 * dropped. A report older (by its own timestamp) than the one held is ignored: reports are
 * snapshots, and a retried late one must not replace a newer one.
 */
export class NodeReportStore {
  private readonly byNode = new Map<string, Held>();
  private readonly results: Record<NodeReportResult, number> = {
    accepted: 0,
    unauthorized: 0,
    invalid: 0,
    too_large: 0,
  };

  constructor(private readonly silenceIntervals = 3) {}

  /** Keeps `report` as its node's latest (unless a newer one is held). */
  ingest(report: NodeReport, receivedMs: number): void {
    const held = this.byNode.get(report.node);
    if (held !== undefined && held.report.timestampMs > report.timestampMs) return;
    this.byNode.set(report.node, { report, receivedMs });
  }

  /** Counts one POST's outcome. */
  count(result: NodeReportResult): void {
    this.results[result]++;
  }

  /** Drops silent nodes and returns the latest report of every node still reporting. */
  latest(nowMs: number): NodeReport[] {
    const out: NodeReport[] = [];
    for (const [node, held] of this.byNode) {
      if (nowMs - held.receivedMs > this.silenceIntervals * held.report.intervalMs) this.byNode.delete(node);
      else out.push(held.report);
    }
    return out;
  }

  /** Nodes with a report held right now (silent ones not yet pruned included). */
  get size(): number {
    return this.byNode.size;
  }

  /** `slurmscope_ctld_node_reports_total{result}` and `slurmscope_ctld_nodes_reporting`. */
  families(nowMs: number): MetricFamily[] {
    let live = 0;
    for (const held of this.byNode.values()) {
      if (nowMs - held.receivedMs <= this.silenceIntervals * held.report.intervalMs) live++;
    }
    return [
      {
        name: 'slurmscope_ctld_node_reports_total',
        help: 'Node reports POSTed by agents, by result (accepted, unauthorized, invalid, too_large).',
        type: 'counter',
        labelNames: ['result'],
        samples: Object.entries(this.results).map(([result, value]) => ({ labels: { result }, value })),
      },
      {
        name: 'slurmscope_ctld_nodes_reporting',
        help: 'Nodes whose agent reported within 3 of its intervals.',
        type: 'gauge',
        labelNames: [],
        samples: [{ labels: {}, value: live }],
      },
    ];
  }
}
