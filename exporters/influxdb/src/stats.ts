import type { MetricFamily } from '@slurmscope/model';
import type { DropReason } from './spool.js';

/**
 * Why points were dropped: a spool bound, an unreadable spool file, samples that cannot be
 * encoded, or a single point the store still refuses as too large (413) once alone.
 */
export type DropCause = DropReason | 'invalid' | 'too_large';

/** Cumulative counts of an InfluxSink, in points (lines) except `dropped.invalid` (samples). */
export interface InfluxStats {
  /** Points the store accepted, live and replayed. */
  written: number;
  /** Points written from the spool (a subset of `written`). */
  replayed: number;
  /** Points put in the spool while the store was unreachable. */
  spooled: number;
  /** Points the store refused with a non-retryable status. */
  rejected: number;
  /** Write attempts that failed with a retryable error. */
  retries: number;
  /** Write requests answered 413 (payload too large) whose batch was split in halves and sent again. */
  splits: number;
  dropped: Record<DropCause, number>;
}

/** Zeroed stats. */
export function emptyStats(): InfluxStats {
  return {
    written: 0,
    replayed: 0,
    spooled: 0,
    rejected: 0,
    retries: 0,
    splits: 0,
    dropped: { spool_full: 0, memory_full: 0, unreadable: 0, invalid: 0, too_large: 0 },
  };
}

/** Levels that are not counters: what waits right now. */
export interface InfluxLevels {
  readonly queuePoints: number;
  readonly spoolPoints: number;
  readonly spoolBytes: number;
}

/** The sink's self-metrics as families, for /metrics; every series carries `output` (the output's name). */
export function statsFamilies(stats: InfluxStats, levels: InfluxLevels, output = '0'): MetricFamily[] {
  const one =
    (type: 'counter' | 'gauge') =>
    (name: string, help: string, value: number): MetricFamily => ({
      name,
      help,
      type,
      labelNames: ['output'],
      samples: [{ labels: { output }, value }],
    });
  const counter = one('counter');
  const gauge = one('gauge');
  return [
    counter(
      'slurmscope_influx_points_written_total',
      'Points (line-protocol lines) the store accepted, live and replayed.',
      stats.written,
    ),
    counter(
      'slurmscope_influx_points_replayed_total',
      'Points written from the spool after an outage (included in written).',
      stats.replayed,
    ),
    counter(
      'slurmscope_influx_points_spooled_total',
      'Points put in the spool while the store was unreachable.',
      stats.spooled,
    ),
    {
      name: 'slurmscope_influx_points_dropped_total',
      help: "Points dropped, by reason: spool_full and memory_full (bounds, oldest first), unreadable (spool file), invalid (samples that cannot be encoded), too_large (one point alone above the store's body limit, HTTP 413).",
      type: 'counter',
      labelNames: ['output', 'reason'],
      samples: Object.entries(stats.dropped).map(([reason, value]) => ({ labels: { output, reason }, value })),
    },
    counter(
      'slurmscope_influx_points_rejected_total',
      'Points the store refused with a non-retryable status (4xx other than 429).',
      stats.rejected,
    ),
    counter(
      'slurmscope_influx_write_retries_total',
      'Write requests that failed with a retryable error (5xx, 429, timeout, network).',
      stats.retries,
    ),
    counter(
      'slurmscope_influx_write_splits_total',
      'Write requests answered 413 (payload too large) whose batch was split in halves and sent again.',
      stats.splits,
    ),
    gauge('slurmscope_influx_queue_points', 'Points waiting in memory for the next write.', levels.queuePoints),
    gauge('slurmscope_influx_spool_points', 'Points waiting in the spool for the store.', levels.spoolPoints),
    gauge('slurmscope_influx_spool_bytes', 'Bytes of the spool files on disk.', levels.spoolBytes),
  ];
}

/**
 * Families of several outputs merged by name (samples concatenated, in output order), so that
 * /metrics shows each family once with one series per `output`.
 */
export function mergeFamilies(lists: readonly (readonly MetricFamily[])[]): MetricFamily[] {
  const byName = new Map<string, MetricFamily>();
  for (const list of lists) {
    for (const f of list) {
      const seen = byName.get(f.name);
      byName.set(f.name, seen ? { ...seen, samples: [...seen.samples, ...f.samples] } : f);
    }
  }
  return [...byName.values()];
}
