import type { FamilyDesc, MetricFamily, Snapshot } from './sample.js';

/** A producer of families read at every scrape (a sink's self-metrics, an error counter). */
export type FamilySource = () => readonly MetricFamily[];

/** What a daemon offers to a scrape: the families it declares, its latest snapshot, and live sources. */
export interface SnapshotProvider {
  /** Families always declared (HELP and TYPE even without samples), in exposition order. */
  readonly families: readonly FamilyDesc[];
  /** The latest snapshot; called once per scrape. `undefined` before the first cycle. */
  read(): Snapshot | undefined;
  /** Further families read at every scrape, after the snapshot's (self-metrics). */
  readonly sources?: readonly FamilySource[];
}

/** What an HTTP /metrics route serves: a rendered exposition and its content type. */
export interface Exposition {
  metrics(): Promise<string>;
  readonly contentType: string;
}

/**
 * The exposition port of a daemon: turns its snapshot provider into what /metrics serves. The
 * daemons take one and never pick the format; the CLI passes the Prometheus text exposition.
 */
export type ExpositionPort = (provider: SnapshotProvider) => Exposition;
