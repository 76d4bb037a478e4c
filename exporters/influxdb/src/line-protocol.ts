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
  // A cycle repeats the same label keys and values (node, jobid) thousands of times: escape and
  // sort each distinct one once per snapshot (this was a third of the encoding cost at 256 jobs).
  const escaped = new Map<string, string>();
  const tag = (text: string): string => {
    let e = escaped.get(text);
    if (e === undefined) escaped.set(text, (e = escape.tag(text)));
    return e;
  };
  const sortedKeys = new Map<string, string[]>();
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
    const measurement = escape.measurement(parts.measurement);
    const field = tag(parts.field);
    for (const sample of family.samples) {
      if (!Number.isFinite(sample.value)) {
        invalid++;
        continue;
      }
      const head = measurement + tagSet(sample.labels, tag, sortedKeys);
      let group = groups.get(head);
      if (!group) {
        group = { head, fields: new Map() };
        groups.set(head, group);
      }
      if (group.fields.has(field)) {
        invalid++;
        continue;
      }
      group.fields.set(field, sample.value);
      fields++;
    }
  }
  const ts = String(Math.round(snapshot.timestampMs));
  const lines: string[] = [];
  for (const group of groups.values()) {
    let body = '';
    for (const [field, value] of group.fields) body += `${body ? ',' : ''}${field}=${String(value)}`;
    lines.push(`${group.head} ${body} ${ts}`);
  }
  return { lines, invalid, fields };
}

/** `,k=v,...` of the non-empty labels, sorted by key (InfluxDB's canonical order), escaped through `tag`. */
function tagSet(
  labels: Readonly<Record<string, string>>,
  tag: (text: string) => string,
  sortedKeys: Map<string, string[]>,
): string {
  const own = Object.keys(labels);
  const signature = own.join('\u0000');
  let keys = sortedKeys.get(signature);
  if (keys === undefined) sortedKeys.set(signature, (keys = own.sort()));
  let out = '';
  for (const key of keys) {
    const value = labels[key];
    if (value) out += `,${tag(key)}=${tag(value)}`;
  }
  return out;
}
