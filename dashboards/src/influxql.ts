import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import type { DataSourceRef } from '@grafana/grafana-foundation-sdk/common';

/** An InfluxQL target as Grafana's InfluxDB datasource stores it (raw query mode). */
export interface InfluxQuery extends cog.Dataquery {
  refId: string;
  query: string;
  rawQuery: true;
  resultFormat: 'time_series' | 'table';
  datasource?: DataSourceRef;
  alias?: string;
}

/** Builds InfluxQL targets: the SDK has no InfluxDB module (grafana-foundation-sdk 0.0.21). */
export class InfluxQueryBuilder implements cog.Builder<cog.Dataquery> {
  private readonly internal: InfluxQuery;

  /** A raw InfluxQL query. */
  constructor(query: string) {
    this.internal = {
      refId: 'A',
      query,
      rawQuery: true,
      resultFormat: 'time_series',
      // The SDK's variant marker; a function, so it never reaches the JSON.
      _implementsDataqueryVariant: () => undefined,
    };
  }

  /** The target. */
  build(): InfluxQuery {
    return this.internal;
  }

  /** refId (A, B, ...). */
  refId(refId: string): this {
    this.internal.refId = refId;
    return this;
  }

  /** `time_series` or `table` ("Format as" in the editor). */
  resultFormat(format: 'time_series' | 'table'): this {
    this.internal.resultFormat = format;
    return this;
  }

  /** The datasource (normally the dashboard's `${datasource}` variable). */
  datasource(ref: DataSourceRef): this {
    this.internal.datasource = ref;
    return this;
  }

  /** Series alias (`$tag_node`, ...). */
  alias(alias: string): this {
    this.internal.alias = alias;
    return this;
  }
}
