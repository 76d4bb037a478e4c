import type { NodeReport } from '@slurmscope/common';
import type { IntensitySource } from '../co2.js';
import { co2Grams } from '../co2.js';

/**
 * Cluster-wide energy and CO2 counters since ctld started, from the agents' node power
 * (RAPL + GPUs over each report's interval, idle included) plus the admin-set per-node
 * overhead for nodes that measured power. A node without any power figure adds nothing.
 * Each node report is counted once (by node and timestamp).
 */
export class ClusterEnergy {
  energyJoules = 0;
  co2Grams = 0;
  private readonly lastMs = new Map<string, number>();

  constructor(
    private readonly opts: {
      readonly pue: number;
      readonly nodeOverheadWatts: number;
      readonly intensity: IntensitySource;
    },
  ) {}

  /** Adds the node reports not yet counted. */
  observe(reports: readonly NodeReport[]): void {
    for (const r of reports) {
      const last = this.lastMs.get(r.node);
      if (last !== undefined && r.timestampMs <= last) continue;
      this.lastMs.set(r.node, r.timestampMs);
      const { raplWatts, gpuWatts } = r.power;
      if (raplWatts === undefined && gpuWatts === undefined) continue;
      const seconds = r.intervalMs / 1000;
      const joules = ((raplWatts ?? 0) + (gpuWatts ?? 0) + this.opts.nodeOverheadWatts) * seconds;
      this.energyJoules += joules;
      this.co2Grams += co2Grams(joules, this.opts.pue, this.opts.intensity.at(r.timestampMs).gPerKwh);
    }
  }
}
