import type { MetricFamily, Sink, Snapshot } from '@slurmscope/model';
import { mergeFamilies } from './stats.js';

/**
 * Several outputs behind one Sink: each snapshot goes to every output (each with its own
 * batching, retry and spool, so a store that is down only fills its own spool), and their
 * self-metrics come out merged, one family per name with one series per `output`.
 */
export class FanoutSink implements Sink {
  /** `outputs`: the sinks, each already opened. */
  constructor(private readonly outputs: readonly Sink[]) {}

  /** Hands the snapshot to every output; one output that throws does not keep it from the others. */
  async export(snapshot: Snapshot): Promise<void> {
    await settleAll(this.outputs.map((s) => s.export(snapshot)));
  }

  /** Flushes every output. */
  async flush(): Promise<void> {
    await settleAll(this.outputs.map((s) => s.flush()));
  }

  /** Shuts every output down (each flushes or spools what it holds). */
  async shutdown(): Promise<void> {
    await settleAll(this.outputs.map((s) => s.shutdown()));
  }

  /** The outputs' self-metrics merged by family name. */
  metrics(): MetricFamily[] {
    return mergeFamilies(this.outputs.map((s) => s.metrics?.() ?? []));
  }
}

/** Waits for every promise; then rethrows the first failure, if any (after all have settled). */
async function settleAll(work: readonly Promise<void>[]): Promise<void> {
  const results = await Promise.allSettled(work);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}
