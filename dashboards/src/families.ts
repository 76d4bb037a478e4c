import { ALL_CTLD_FAMILIES, MAIL_FAMILIES, NODE_REPORT_FAMILIES } from '@slurmscope/ctld';
import { AGENT_FAMILIES, CTLD_REPORTS_FAMILY, THROTTLE_FAMILIES } from '@slurmscope/node-agent';
import type { Flavour } from './defs/types.js';
import type { KnownFamily } from './refs.js';

/**
 * The InfluxDB output's own health families that dashboards read (exporters/influxdb/src/stats.ts;
 * `node` on the agent). They stay on /metrics and never reach InfluxDB, so only a Prometheus that
 * scrapes the daemons has them. Listed here because the dashboards package does not depend on
 * @slurmscope/influxdb; a test checks each name against the README's "Metric names".
 */
export const INFLUX_OUTPUT_FAMILIES: readonly KnownFamily[] = [
  { name: 'slurmscope_influx_points_dropped_total', labelNames: ['reason', 'node'] },
];

/** Every family the agents and ctld write to a store, from their own tables. */
export const STORE_FAMILIES: readonly KnownFamily[] = [
  ...Object.values(AGENT_FAMILIES),
  ...Object.values(THROTTLE_FAMILIES),
  CTLD_REPORTS_FAMILY,
  ...ALL_CTLD_FAMILIES,
  ...Object.values(NODE_REPORT_FAMILIES),
  ...Object.values(MAIL_FAMILIES),
];

/** The families a flavour's queries may read: InfluxDB lacks the output's own health. */
export function knownFamilies(flavour: Flavour): readonly KnownFamily[] {
  return flavour === 'prometheus' ? [...STORE_FAMILIES, ...INFLUX_OUTPUT_FAMILIES] : STORE_FAMILIES;
}
