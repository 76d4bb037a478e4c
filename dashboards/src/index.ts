/** The dashboards package: generators of slurmscope's Grafana dashboards (see README.md). */
export const DASHBOARDS_PACKAGE = '@slurmscope/dashboards';
