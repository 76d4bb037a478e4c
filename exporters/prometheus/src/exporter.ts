import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { ExpositionPort, FamilyDesc, FamilySource, Logger, MetricFamily, Snapshot } from '@slurmscope/model';

export type { FamilySource } from '@slurmscope/model';

/** Options of a {@link PrometheusExporter}. */
export interface PrometheusExporterOptions {
  /** Families always declared (HELP and TYPE even without samples), in exposition order. */
  readonly families: readonly FamilyDesc[];
  /** Returns the latest snapshot; called once per scrape. `undefined` before the first cycle. */
  readonly read: () => Snapshot | undefined;
  /** Further families read at every scrape, after the snapshot's (self-metrics). */
  readonly sources?: readonly FamilySource[];
  /** Also expose prom-client's default `process_*` and `nodejs_*` metrics. Default false. */
  readonly processMetrics?: boolean;
  /** Where bad families (unknown labels, negative counters, invalid names) are reported, once each. */
  readonly log?: Logger;
}

type PromMetric = Counter<string> | Gauge<string>;

/**
 * Serves snapshots through a private prom-client Registry. One Counter or Gauge per family;
 * values are copied from the snapshot in each metric's `collect()`, i.e. at scrape time, so
 * a family absent from the latest snapshot prints no samples. The snapshot is pulled through
 * `read()` rather than pushed so that the caller keeps one source of truth (the last cycle)
 * and a scrape never sees a half-updated state.
 */
export class PrometheusExporter {
  private readonly registry = new Registry();
  private readonly metricsByName = new Map<string, PromMetric>();
  private readonly warned = new Set<string>();
  /** Families of the scrape in progress, set synchronously before the registry collects. */
  private current = new Map<string, MetricFamily>();

  constructor(private readonly options: PrometheusExporterOptions) {
    for (const desc of options.families) this.register(desc);
    if (options.processMetrics === true) collectDefaultMetrics({ register: this.registry });
  }

  /** Content type of the exposition, for the HTTP response header. */
  get contentType(): string {
    return this.registry.contentType;
  }

  /** Renders the text exposition of the latest snapshot and the sources, as /metrics serves it. */
  async metrics(): Promise<string> {
    const current = this.gather();
    for (const family of current.values()) {
      if (!this.metricsByName.has(family.name)) this.register(family);
    }
    this.current = current;
    // registry.metrics() calls every collect() synchronously before its first await,
    // so concurrent scrapes each see their own `current`.
    const text = this.registry.metrics();
    this.current = new Map();
    return text;
  }

  private gather(): Map<string, MetricFamily> {
    const all: MetricFamily[] = [...(this.options.read()?.families ?? [])];
    for (const source of this.options.sources ?? []) all.push(...source());
    const byName = new Map<string, MetricFamily>();
    for (const family of all) {
      const seen = byName.get(family.name);
      byName.set(family.name, seen ? { ...seen, samples: [...seen.samples, ...family.samples] } : family);
    }
    return byName;
  }

  private register(desc: FamilyDesc): void {
    if (this.metricsByName.has(desc.name)) {
      this.warnOnce(`dup:${desc.name}`, { family: desc.name }, 'family declared twice; the first declaration is used');
      return;
    }
    const fill = (metric: PromMetric): void => this.fill(metric, desc);
    const config = {
      name: desc.name,
      help: desc.help,
      labelNames: [...desc.labelNames],
      registers: [this.registry],
    };
    try {
      const metric: PromMetric =
        desc.type === 'counter'
          ? new Counter({
              ...config,
              collect(this: Counter<string>) {
                fill(this);
              },
            })
          : new Gauge({
              ...config,
              collect(this: Gauge<string>) {
                fill(this);
              },
            });
      this.metricsByName.set(desc.name, metric);
    } catch (err) {
      this.warnOnce(`reg:${desc.name}`, { family: desc.name, err: (err as Error).message }, 'family not exported');
    }
  }

  /** Copies the current samples of `desc` into its metric (the metric's collect()). */
  private fill(metric: PromMetric, desc: FamilyDesc): void {
    metric.reset();
    // prom-client gives a label-less metric an implicit 0 on reset: absent must stay absent.
    if (desc.labelNames.length === 0) metric.remove({});
    const family = this.current.get(desc.name);
    if (!family) return;
    if (family.type !== desc.type) {
      this.warnOnce(
        `type:${desc.name}`,
        { family: desc.name, declared: desc.type, got: family.type },
        'family type differs from its declaration; exported as declared',
      );
    }
    for (const sample of family.samples) {
      const labels: Record<string, string> = {};
      for (const name of desc.labelNames) {
        const value = sample.labels[name];
        if (value !== undefined) labels[name] = value;
      }
      const unknown = Object.keys(sample.labels).filter((name) => !desc.labelNames.includes(name));
      if (unknown.length > 0) {
        this.warnOnce(
          `label:${desc.name}`,
          { family: desc.name, labels: unknown },
          'sample with undeclared labels skipped',
        );
        continue;
      }
      if (metric instanceof Counter) {
        if (!(sample.value >= 0)) {
          this.warnOnce(
            `neg:${desc.name}`,
            { family: desc.name, value: sample.value },
            'negative or NaN counter sample skipped',
          );
          continue;
        }
        metric.inc(labels, sample.value);
      } else {
        metric.set(labels, sample.value);
      }
    }
  }

  private warnOnce(key: string, fields: object, msg: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.options.log?.warn(fields, msg);
  }
}

/**
 * The Prometheus text exposition of one snapshot (for `--once`), through the same registry
 * path as /metrics so that both print the same bytes.
 */
export function renderText(
  snapshot: Snapshot,
  descs: readonly FamilyDesc[],
  sources: readonly FamilySource[] = [],
): Promise<string> {
  return new PrometheusExporter({ families: descs, read: () => snapshot, sources }).metrics();
}

/** The Prometheus text exposition as a daemon's exposition port (a PrometheusExporter per provider). */
export function prometheusExposition(log?: Logger): ExpositionPort {
  return (p) => new PrometheusExporter({ families: p.families, read: () => p.read(), sources: p.sources, log });
}
