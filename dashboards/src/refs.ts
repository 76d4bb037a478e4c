/** A metric a query reads and the labels it names for it (matchers; `by` clauses are not tied to one metric). */
export interface PromRef {
  /** Metric name as written (`slurmscope_job_cpus`). */
  readonly metric: string;
  /** Label names in its `{...}` matchers. */
  readonly labels: readonly string[];
}

const PROM_SELECTOR = /\b(slurmscope_[a-z0-9_]+)\s*(\{([^}]*)\})?/g;
const PROM_MATCHER = /([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)/g;

/** Every `slurmscope_*` metric a PromQL expression selects, with its matchers' label names. */
export function promRefs(expr: string): PromRef[] {
  const refs: PromRef[] = [];
  for (const m of expr.matchAll(PROM_SELECTOR)) {
    const metric = m[1] ?? '';
    const labels = [...(m[3] ?? '').matchAll(PROM_MATCHER)].map((l) => l[1] ?? '');
    refs.push({ metric, labels });
  }
  return refs;
}

/** A measurement an InfluxQL statement reads: the fields it selects and the tags it names. */
export interface InfluxRef {
  /** Measurement (`slurmscope_job`). */
  readonly measurement: string;
  /** Fields in the SELECT list (`cpu_utilization_ratio`), aliases left out. */
  readonly fields: readonly string[];
  /** Tags in WHERE and GROUP BY, or the key of SHOW TAG VALUES. */
  readonly tags: readonly string[];
}

// One SELECT whose list holds no nested SELECT, reading a named measurement (innermost first for
// subqueries: the outer statement reads the inner one's aliases, not the store).
const INFLUX_SELECT = /SELECT\s+((?:(?!SELECT)[\s\S])*?)\s+FROM\s+"([^"]+)"((?:(?!SELECT)[\s\S])*)/g;
const QUOTED = /"([^"]+)"/g;
const ALIASED = /\bAS\s+"([^"]+)"/g;
const SHOW_TAGS = /SHOW TAG VALUES FROM "([^"]+)" WITH KEY = "([^"]+)"/;

/** Every measurement an InfluxQL query (or SHOW TAG VALUES) reads, with fields and tags. */
export function influxRefs(query: string): InfluxRef[] {
  const show = SHOW_TAGS.exec(query);
  if (show) return [{ measurement: show[1] ?? '', fields: [], tags: [show[2] ?? ''] }];
  const refs: InfluxRef[] = [];
  for (const m of query.matchAll(INFLUX_SELECT)) {
    const list = m[1] ?? '';
    const aliases = new Set([...list.matchAll(ALIASED)].map((a) => a[1]));
    const fields = [...list.matchAll(QUOTED)].map((q) => q[1] ?? '').filter((f) => !aliases.has(f));
    const tags = [...(m[3] ?? '').matchAll(QUOTED)].map((q) => q[1] ?? '');
    refs.push({ measurement: m[2] ?? '', fields, tags });
  }
  return refs;
}

/** A metric family as far as queries care: its name and label names. */
export interface KnownFamily {
  /** Full metric name. */
  readonly name: string;
  /** Its labels. */
  readonly labelNames: readonly string[];
}

/** The InfluxDB measurement of a metric: the name up to its subsystem (`slurmscope_job_cpus` → `slurmscope_job`), as exporters/model's splitMetricName cuts it. */
export function measurementOf(name: string): string {
  const first = name.indexOf('_');
  const second = name.indexOf('_', first + 1);
  return second < 0 ? name : name.slice(0, second);
}

/** Problems of one query against the known families (empty: every name exists). */
export function checkQuery(opts: {
  query: string;
  language: 'promql' | 'influxql';
  families: readonly KnownFamily[];
}): string[] {
  const byName = new Map(opts.families.map((f) => [f.name, f]));
  const problems: string[] = [];
  if (opts.language === 'promql') {
    const refs = promRefs(opts.query);
    if (refs.length === 0) problems.push('no slurmscope_* metric');
    for (const r of refs) {
      const family = byName.get(r.metric);
      if (!family) problems.push(`unknown metric ${r.metric}`);
      for (const l of r.labels)
        if (family && !family.labelNames.includes(l)) problems.push(`${r.metric} has no label ${l}`);
    }
    return problems;
  }
  const refs = influxRefs(opts.query);
  if (refs.length === 0) problems.push('no FROM "<measurement>"');
  for (const r of refs) {
    // The InfluxDB output's schema: measurement = up to the subsystem, field = the rest.
    const inMeasurement = opts.families.filter((f) => measurementOf(f.name) === r.measurement);
    if (inMeasurement.length === 0) problems.push(`unknown measurement ${r.measurement}`);
    for (const field of r.fields) {
      if (!byName.has(`${r.measurement}_${field}`)) problems.push(`unknown field ${r.measurement}.${field}`);
    }
    const tags = new Set(inMeasurement.flatMap((f) => f.labelNames));
    for (const t of r.tags) if (t !== 'time' && !tags.has(t)) problems.push(`${r.measurement} has no tag ${t}`);
  }
  return problems;
}
