import type { DataTransformerConfig } from '@grafana/grafana-foundation-sdk/dashboard';

/** The two datasource flavours every dashboard is generated for. */
export type Flavour = 'prometheus' | 'influxdb';

/** Every flavour, in the order the generator writes them. */
export const FLAVOURS: readonly Flavour[] = ['prometheus', 'influxdb'];

/** One query of a panel in both languages; `null` where a store cannot hold the data (say why in `note`). */
export interface QueryDef {
  /** Grafana's refId (A, B, ...): transformations rename `Value #<refId>` by it. */
  readonly refId: string;
  /** PromQL, with Grafana's variables (`$__range`, `$__rate_interval`, `$jobid`, ...). */
  readonly promql: string | null;
  /** InfluxQL (raw query), with `$timeFilter`, `$__interval` and the dashboard's variables. */
  readonly influxql: string | null;
  /** `table` for instant tables (PromQL instant query, InfluxQL table format), else a time series. */
  readonly format: 'table' | 'time_series';
  /** Legend of each series (PromQL `{{label}}`, InfluxQL alias `$tag_label`), generated per flavour. */
  readonly legend?: readonly string[];
  /** A fixed legend text instead (PromQL legendFormat, InfluxQL alias): one series per query. */
  readonly alias?: string;
  /** Why a flavour has no query (shown in the panel's description). */
  readonly note?: string;
}

/** Panel types of Grafana itself and the three slurmscope panel plugins. */
export type PanelType =
  | 'timeseries'
  | 'stat'
  | 'table'
  | 'slurmscope-availability-panel'
  | 'slurmscope-webjobs-panel'
  | 'slurmscope-co2-panel';

/** The ids of slurmscope's own panel plugins. */
export const PLUGIN_IDS: readonly PanelType[] = [
  'slurmscope-availability-panel',
  'slurmscope-webjobs-panel',
  'slurmscope-co2-panel',
];

/** One panel, written once for both flavours. */
export interface PanelDef {
  /** Panel title. */
  readonly title: string;
  /** What it shows (Grafana shows it in the panel's info tooltip). */
  readonly description: string;
  /** Visualization. */
  readonly type: PanelType;
  /** Grafana unit id (`watt`, `joule`, `percentunit`, `s`, `bytes`, `suffix:...`). */
  readonly unit?: string;
  /** Queries; a flavour whose queries are all `null` leaves the panel out. */
  readonly queries: readonly QueryDef[];
  /** Transformations per flavour (they differ where the languages shape frames differently). */
  readonly transformations?: Partial<Record<Flavour, readonly DataTransformerConfig[]>>;
  /** Panel options (the plugins' options, or a Grafana panel's options object). */
  readonly options?: Readonly<Record<string, unknown>>;
  /** Width in grid columns (of 24) and height in rows; default 12 × 8. */
  readonly size?: { readonly w: number; readonly h: number };
}

/** A query variable in both languages (`label_values(...)`, `SHOW TAG VALUES ...`). */
export interface VariableDef {
  /** Variable name (`jobid`, `node`). */
  readonly name: string;
  /** Label shown above its selector. */
  readonly label: string;
  /** PromQL variable query, e.g. `label_values(slurmscope_job_cpus, jobid)`. */
  readonly promql: string;
  /** InfluxQL variable query, e.g. `SHOW TAG VALUES FROM "slurmscope_job" WITH KEY = "jobid"`. */
  readonly influxql: string;
  /** Several values at once (and "All"). */
  readonly multi?: boolean;
}

/** A link in the dashboard's header (variables are substituted by Grafana). */
export interface LinkDef {
  /** Link text. */
  readonly title: string;
  /** URL, may use `${var}`. */
  readonly url: string;
  /** Tooltip. */
  readonly tooltip: string;
}

/** One dashboard: generated once per flavour. */
export interface DashboardDef {
  /** File name and uid stem (`cluster`, `job`, ...). */
  readonly name: string;
  /** Dashboard title. */
  readonly title: string;
  /** What it is for. */
  readonly description: string;
  /** Query variables besides `datasource`. */
  readonly variables?: readonly VariableDef[];
  /** Free-text variables (name → default value), e.g. ctld's base URL. */
  readonly textVariables?: Readonly<Record<string, string>>;
  /** Header links. */
  readonly links?: readonly LinkDef[];
  /** Panels, laid out left to right, top to bottom. */
  readonly panels: readonly PanelDef[];
}
