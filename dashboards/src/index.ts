/** The dashboards package: generators of slurmscope's Grafana dashboards (see README.md). */
export const DASHBOARDS_PACKAGE = '@slurmscope/dashboards';
export * from './build.js';
export * from './defs/index.js';
export * from './influxql.js';
export * from './render.js';
