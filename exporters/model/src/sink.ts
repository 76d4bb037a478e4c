import type { MetricFamily, Snapshot } from './sample.js';

/**
 * A destination for snapshots (InfluxDB, a test's memory). Collectors call `export` once per
 * cycle; `flush` waits until everything handed over is delivered or safely spooled;
 * `shutdown` flushes and releases resources. Implementations never throw from `export` for a
 * delivery problem: they retry, spool and report through their own metrics and logs.
 */
export interface Sink {
  export(snapshot: Snapshot): Promise<void>;
  flush(): Promise<void>;
  shutdown(): Promise<void>;
  /** The sink's own health (writes, retries, drops), read at every scrape; absent when it keeps none. */
  metrics?(): readonly MetricFamily[];
}

/** A sink that keeps every snapshot in memory, for tests. */
export class InMemorySink implements Sink {
  readonly snapshots: Snapshot[] = [];
  private closed = false;

  async export(snapshot: Snapshot): Promise<void> {
    if (this.closed) throw new Error('InMemorySink: export after shutdown');
    this.snapshots.push(snapshot);
  }

  async flush(): Promise<void> {}

  async shutdown(): Promise<void> {
    this.closed = true;
  }
}
