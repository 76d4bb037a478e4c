import { escape } from '@influxdata/influxdb-client';
import { splitMetricName, type Snapshot } from '@slurmscope/model';

/** Line protocol of one snapshot, and how many samples could not be written. */
export interface EncodedSnapshot {
  /** One line per (measurement, tag set), every field of that series at the snapshot's time. */
  readonly lines: string[];
  /** Samples left out: a non-finite value, a metric name without a subsystem, a duplicate series. */
  readonly invalid: number;
  /** Samples encoded (fields over all lines). */
  readonly fields: number;
}

interface Group {
  readonly head: string;
  readonly fields: Map<string, number>;
}

/**
 * Encodes a snapshot in the fixed schema: measurement = `slurmscope_<subsystem>`, field = the
 * rest of the metric name, tags = the labels (empty values omitted: InfluxDB has no empty tag),
 * timestamp = the snapshot's time in ms. Families of the same measurement and tag set share one
 * line. Values are floats always, so a field never changes type between writes.
 */
export function encodeSnapshot(snapshot: Snapshot): EncodedSnapshot {
  const groups = new Map<string, Group>();
  let invalid = 0;
  let fields = 0;
  for (const family of snapshot.families) {
    let parts: { measurement: string; field: string };
    try {
      parts = splitMetricName(family.name);
    } catch {
      // The name cannot map to the schema; its samples are counted as invalid, not thrown.
      invalid += family.samples.length;
      continue;
    }
    for (const sample of family.samples) {
      if (!Number.isFinite(sample.value)) {
        invalid++;
        continue;
      }
      const head = escape.measurement(parts.measurement) + tagSet(sample.labels);
      let group = groups.get(head);
      if (!group) {
        group = { head, fields: new Map() };
        groups.set(head, group);
      }
      if (group.fields.has(parts.field)) {
        invalid++;
        continue;
      }
      group.fields.set(parts.field, sample.value);
      fields++;
    }
  }
  const ts = String(Math.round(snapshot.timestampMs));
  const lines: string[] = [];
  for (const group of groups.values()) {
    const body = [...group.fields].map(([field, value]) => `${escape.tag(field)}=${String(value)}`).join(',');
    lines.push(`${group.head} ${body} ${ts}`);
  }
  return { lines, invalid, fields };
}

/** `,k=v,...` of the non-empty labels, sorted by key (InfluxDB's canonical order). */
function tagSet(labels: Readonly<Record<string, string>>): string {
  const keys = Object.keys(labels)
    .filter((k) => labels[k] !== '')
    .sort();
  let out = '';
  for (const key of keys) out += `,${escape.tag(key)}=${escape.tag(labels[key] ?? '')}`;
  return out;
}
