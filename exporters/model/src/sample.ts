/** Label set of one series; keys are Prometheus label names. */
export type Labels = Readonly<Record<string, string>>;

/** Prometheus metric types that slurmscope emits. Counters are cumulative and monotonic. */
export type MetricType = 'counter' | 'gauge';

/** The static description of a metric family: name (with unit suffix), help text, type, label names. */
export interface FamilyDesc {
  /** Full metric name, `slurmscope_<subsystem>_<name>_<unit>`; counters end in `_total`. */
  readonly name: string;
  readonly help: string;
  readonly type: MetricType;
  readonly labelNames: readonly string[];
}

/** One value of one series at the snapshot's time. */
export interface Sample {
  readonly labels: Labels;
  readonly value: number;
}

/** A family with the samples measured in one cycle. */
export interface MetricFamily extends FamilyDesc {
  readonly samples: readonly Sample[];
}

/** A family without labels holding one value: a daemon's own counters and gauges. */
export function scalarFamily(name: string, help: string, type: MetricType, value: number): MetricFamily {
  return { name, help, type, labelNames: [], samples: [{ labels: {}, value }] };
}

/** Everything one collection cycle measured, stamped with the time of measurement (ms since epoch). */
export interface Snapshot {
  readonly timestampMs: number;
  readonly families: readonly MetricFamily[];
}

/**
 * Splits a metric name into the InfluxDB measurement and field of the fixed schema:
 * measurement = `slurmscope_<subsystem>`, field = the rest, so that a store which joins
 * measurement and field with `_` (VictoriaMetrics) holds exactly the Prometheus name.
 */
export function splitMetricName(name: string): { measurement: string; field: string } {
  const first = name.indexOf('_');
  const second = first < 0 ? -1 : name.indexOf('_', first + 1);
  if (first <= 0 || second < 0 || second === name.length - 1) {
    throw new Error(`metric name "${name}" is not of the form <namespace>_<subsystem>_<name>`);
  }
  return { measurement: name.slice(0, second), field: name.slice(second + 1) };
}
