import * as cog from '@grafana/grafana-foundation-sdk/cog';
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as table from '@grafana/grafana-foundation-sdk/table';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import type { DashboardDef, Flavour, PanelDef, QueryDef, VariableDef } from './defs/types.js';
import { InfluxQueryBuilder } from './influxql.js';

/** The dashboard uid of a definition in a flavour: stable, so links and provisioning keep working. */
export function dashboardUid(name: string, flavour: Flavour): string {
  return `slurmscope-${name}-${flavour === 'prometheus' ? 'prom' : 'influx'}`;
}

/** The datasource every panel and variable uses: the dashboard's `${datasource}` variable. */
export function datasourceRef(flavour: Flavour): common.DataSourceRef {
  return { type: flavour, uid: '${datasource}' };
}

/** The methods shared by the SDK's panel builders that `buildPanel` sets. */
interface AnyPanelBuilder extends cog.Builder<dashboard.Panel> {
  id(id: number): this;
  title(title: string): this;
  description(description: string): this;
  datasource(ref: common.DataSourceRef): this;
  targets(targets: cog.Builder<cog.Dataquery>[]): this;
  transformations(t: dashboard.DataTransformerConfig[]): this;
  unit(unit: string): this;
  height(h: number): this;
  span(w: number): this;
}

/** One query as the flavour's target, or null where that store has no such data. */
function target(q: QueryDef, flavour: Flavour): cog.Builder<cog.Dataquery> | null {
  const ref = datasourceRef(flavour);
  if (flavour === 'prometheus') {
    if (q.promql === null) return null;
    const b = new prometheus.DataqueryBuilder().refId(q.refId).expr(q.promql).datasource(ref);
    if (q.format === 'table') return b.instant().format(prometheus.PromQueryFormat.Table);
    b.range().format(prometheus.PromQueryFormat.TimeSeries);
    if (q.alias) return b.legendFormat(q.alias);
    return q.legend ? b.legendFormat(q.legend.map((l) => `{{${l}}}`).join(' ')) : b;
  }
  if (q.influxql === null) return null;
  const b = new InfluxQueryBuilder(q.influxql).refId(q.refId).resultFormat(q.format).datasource(ref);
  if (q.alias) return b.alias(q.alias);
  return q.legend ? b.alias(q.legend.map((l) => `$tag_${l}`).join(' ')) : b;
}

/** Options with every `@uid(<name>)` in their strings replaced by that dashboard's uid in `flavour`. */
export function resolveUids(options: Readonly<Record<string, unknown>>, flavour: Flavour): Record<string, unknown> {
  const text = JSON.stringify(options).replace(/@uid\(([a-z0-9-]+)\)/g, (_, name: string) =>
    dashboardUid(name, flavour),
  );
  return JSON.parse(text) as Record<string, unknown>;
}

/** The SDK builder for the panel's type; the plugins get a generic panel with their id. */
function panelBuilder(p: PanelDef, flavour: Flavour): AnyPanelBuilder {
  switch (p.type) {
    case 'timeseries':
      return new timeseries.PanelBuilder()
        .legend(
          new common.VizLegendOptionsBuilder()
            .showLegend(true)
            .displayMode(common.LegendDisplayMode.List)
            .placement(common.LegendPlacement.Bottom),
        )
        .fillOpacity(10);
    case 'stat':
      return new stat.PanelBuilder()
        .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
        .graphMode(common.BigValueGraphMode.None);
    case 'table':
      return new table.PanelBuilder();
    default: {
      const b = new dashboard.PanelBuilder().type(p.type);
      return p.options ? b.options(resolveUids(p.options, flavour)) : b;
    }
  }
}

/** A panel in one flavour, or null when the flavour has none of its queries. */
export function buildPanel(p: PanelDef, flavour: Flavour, id: number): dashboard.Panel | null {
  const targets = p.queries.map((q) => target(q, flavour)).filter((t) => t !== null);
  if (targets.length === 0) return null;
  const notes = p.queries.filter((q) => (flavour === 'prometheus' ? q.promql : q.influxql) === null);
  const description = [p.description, ...notes.map((q) => `Query ${q.refId} is left out here: ${q.note ?? ''}`)];
  const b = panelBuilder(p, flavour)
    .id(id)
    .title(p.title)
    .description(description.join(' ').trim())
    .datasource(datasourceRef(flavour))
    .targets(targets)
    .height(p.size?.h ?? 8)
    .span(p.size?.w ?? 12);
  const transformations = p.transformations?.[flavour];
  if (transformations) b.transformations([...transformations]);
  if (p.unit) b.unit(p.unit);
  return b.build();
}

/** A template variable (`jobid`, `node`) as a query variable of the flavour's datasource. */
function variable(v: VariableDef, flavour: Flavour): cog.Builder<dashboard.VariableModel> {
  const query = flavour === 'prometheus' ? v.promql : v.influxql;
  const b = new dashboard.QueryVariableBuilder(v.name)
    .label(v.label)
    .datasource(datasourceRef(flavour))
    .query(query)
    .definition(query)
    .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
    .sort(dashboard.VariableSort.NaturalAsc);
  return v.multi ? b.multi(true).includeAll(true) : b;
}

/** Wraps an already-built panel so that the dashboard builder lays it out. */
const built = (panel: dashboard.Panel): cog.Builder<dashboard.Panel> => ({ build: () => panel });

/** The Grafana dashboard of a definition in one flavour. */
export function buildDashboard(def: DashboardDef, flavour: Flavour): dashboard.Dashboard {
  const b = new dashboard.DashboardBuilder(def.title)
    .uid(dashboardUid(def.name, flavour))
    .description(def.description)
    .tags(['slurmscope', flavour])
    .editable()
    .time({ from: 'now-1h', to: 'now' })
    .refresh('30s')
    .timezone('browser')
    .tooltip(dashboard.DashboardCursorSync.Crosshair)
    .withVariable(
      new dashboard.DatasourceVariableBuilder('datasource')
        .label(flavour === 'prometheus' ? 'Prometheus-compatible store' : 'InfluxDB (InfluxQL)')
        .type(flavour),
    );
  for (const v of def.variables ?? []) b.withVariable(variable(v, flavour));
  for (const [name, value] of Object.entries(def.textVariables ?? {})) {
    b.withVariable(new dashboard.TextBoxVariableBuilder(name).label(name).defaultValue(value));
  }
  for (const l of def.links ?? []) {
    b.link(
      new dashboard.DashboardLinkBuilder(l.title)
        .type(dashboard.DashboardLinkType.Link)
        .url(l.url)
        .tooltip(l.tooltip)
        .targetBlank(true),
    );
  }
  let id = 0;
  for (const p of def.panels) {
    const panel = buildPanel(p, flavour, id + 1);
    if (panel) {
      id++;
      b.withPanel(built(panel));
    }
  }
  return b.build();
}
