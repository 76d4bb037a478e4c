import type { FamilyDesc, Labels, MetricFamily } from './sample.js';

/**
 * A cumulative counter family held by its owner (collector errors, retries), exported as a
 * plain MetricFamily: put `family()` into the snapshot or pass `() => [c.family()]` as a
 * source of the PrometheusExporter, and the same counts reach /metrics and InfluxDB.
 */
export class CounterFamily {
  private readonly values = new Map<string, { labels: Labels; value: number }>();

  constructor(private readonly desc: Omit<FamilyDesc, 'type'>) {
    if (!desc.name.endsWith('_total')) throw new Error(`counter "${desc.name}" must end in _total`);
  }

  /** Adds `by` (default 1, never negative) to the series with `labels`. */
  inc(labels: Labels = {}, by = 1): void {
    if (!(by >= 0)) throw new Error(`counter "${this.desc.name}": cannot add ${by}`);
    for (const name of Object.keys(labels)) {
      if (!this.desc.labelNames.includes(name))
        throw new Error(`counter "${this.desc.name}": undeclared label "${name}"`);
    }
    const key = this.desc.labelNames.map((name) => labels[name] ?? '').join('\u0000');
    const entry = this.values.get(key);
    if (entry) entry.value += by;
    else this.values.set(key, { labels: { ...labels }, value: by });
  }

  /** The current value of the series with `labels` (0 when never incremented). */
  get(labels: Labels = {}): number {
    const key = this.desc.labelNames.map((name) => labels[name] ?? '').join('\u0000');
    return this.values.get(key)?.value ?? 0;
  }

  /** The counter as a family, one sample per series incremented so far. */
  family(): MetricFamily {
    const samples = [...this.values.values()].map(({ labels, value }) => ({ labels, value }));
    return { ...this.desc, labelNames: [...this.desc.labelNames], type: 'counter', samples };
  }
}
