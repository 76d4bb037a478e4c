import type { DashboardDef, PanelDef, QueryDef } from './types.js';

const STATES = ['idle', 'allocated', 'down', 'drain'] as const;

/** PromQL of the availability panel for CPUs, one instant table query (grafana-plugins/availability/README.md). */
const AVAILABILITY_PROMQL = [
  `sum by (partition, state) (slurmscope_partition_cpus{state=~"${STATES.join('|')}"})`,
  'or label_replace(sum by (partition) (slurmscope_partition_preemptable_cpus), "state", "preemptable", "", "")',
  'or label_replace(sum by (partition) (slurmscope_partition_available_cpus), "state", "available", "", "")',
  'or label_replace(sum by (partition) (slurmscope_partition_cpus), "state", "total", "", "")',
  'or sum by (partition, state) (label_replace(slurmscope_partition_freeing_cpus, "state", "free_$1", "within", "(.+)"))',
].join('\n');

/** InfluxQL of the availability panel: one table query per column, joined by partition. */
function availabilityInflux(): QueryDef[] {
  const q = (refId: string, influxql: string, promql: string | null = null): QueryDef => ({
    refId,
    promql,
    influxql,
    format: 'table',
  });
  const P = 'FROM "slurmscope_partition" WHERE $timeFilter';
  return [
    q('A', `SELECT last("cpus") AS "idle" ${P} AND "state" = 'idle' GROUP BY "partition"`, AVAILABILITY_PROMQL),
    q('B', `SELECT last("cpus") AS "allocated" ${P} AND "state" = 'allocated' GROUP BY "partition"`),
    q('C', `SELECT last("cpus") AS "down" ${P} AND "state" = 'down' GROUP BY "partition"`),
    q('D', `SELECT last("cpus") AS "drain" ${P} AND "state" = 'drain' GROUP BY "partition"`),
    q(
      'E',
      `SELECT last("preemptable_cpus") AS "preemptable", last("available_cpus") AS "available" ${P} GROUP BY "partition"`,
    ),
    q('F', `SELECT last("freeing_cpus") AS "free_1h" ${P} AND "within" = '1h' GROUP BY "partition"`),
    q('G', `SELECT last("freeing_cpus") AS "free_6h" ${P} AND "within" = '6h' GROUP BY "partition"`),
  ];
}

const availability: PanelDef = {
  title: 'Available now (CPUs)',
  description:
    'What each partition can start now: idle + preemptable CPUs, and what running jobs free within 1 h / 6 h.',
  type: 'slurmscope-availability-panel',
  queries: availabilityInflux(),
  transformations: {
    prometheus: [
      { id: 'groupingToMatrix', options: { columnField: 'state', rowField: 'partition', valueField: 'Value' } },
      { id: 'organize', options: { renameByName: { 'partition\\state': 'partition' } } },
    ],
    influxdb: [
      { id: 'joinByField', options: { byField: 'partition', mode: 'outerTabular' } },
      { id: 'organize', options: { excludeByName: { Time: true } } },
    ],
  },
  options: { resource: 'cpus', showGrid: false, showFreeSoon: true },
  size: { w: 24, h: 9 },
};

/** A time series summed over nodes: InfluxQL needs a per-node subquery first (one series per node and tag). */
function sumOverNodes(measurement: string, field: string, by: string[], fn = 'mean'): string {
  const tags = by.map((t) => `, "${t}"`).join('');
  return (
    `SELECT sum("v") FROM (SELECT ${fn}("${field}") AS "v" FROM "${measurement}" WHERE $timeFilter ` +
    `GROUP BY time($__interval), "node"${tags} fill(none)) WHERE $timeFilter GROUP BY time($__interval)${tags} fill(none)`
  );
}

const series = (refId: string, promql: string | null, influxql: string | null, legend?: string[]): QueryDef => ({
  refId,
  promql,
  influxql,
  format: 'time_series',
  ...(legend ? { legend } : {}),
});

/** Panels of the Cluster dashboard besides availability. */
const panels: PanelDef[] = [
  availability,
  {
    title: 'Nodes by partition and state',
    description: 'Nodes per partition and Slurm state (a node in several partitions counts in each).',
    type: 'timeseries',
    unit: 'none',
    queries: [
      series(
        'A',
        'sum by (partition, state) (slurmscope_partition_nodes)',
        'SELECT last("nodes") FROM "slurmscope_partition" WHERE $timeFilter GROUP BY time($__interval), "partition", "state" fill(none)',
        ['partition', 'state'],
      ),
    ],
  },
  {
    title: 'Power by source',
    description: 'Measured power of all nodes: RAPL (package + DRAM) and GPUs (an estimate from nvidia-smi).',
    type: 'timeseries',
    unit: 'watt',
    queries: [
      series(
        'A',
        'sum by (source) (slurmscope_node_power_watts)',
        sumOverNodes('slurmscope_node', 'power_watts', ['source']),
        ['source'],
      ),
    ],
  },
  {
    title: 'CO2e rate',
    description: "CO2e of the reporting nodes' energy (RAPL + GPUs + configured overhead) x PUE x intensity, per hour.",
    type: 'timeseries',
    unit: 'suffix: gCO2e/h',
    queries: [
      series(
        'A',
        'sum(rate(slurmscope_cluster_co2_grams_total[$__rate_interval])) * 3600',
        'SELECT non_negative_derivative(last("co2_grams_total"), 1h) FROM "slurmscope_cluster" WHERE $timeFilter GROUP BY time($__interval) fill(none)',
      ),
    ],
  },
  {
    title: 'Throttled cores',
    description: 'Logical CPUs whose clock the agents lowered (idle cores, throttle.mode), over all nodes.',
    type: 'timeseries',
    unit: 'none',
    queries: [
      series(
        'A',
        'sum(slurmscope_node_throttled_cores)',
        sumOverNodes('slurmscope_node', 'throttled_cores', [], 'last'),
      ),
    ],
    size: { w: 8, h: 8 },
  },
  {
    title: 'Energy saved by throttling',
    description:
      'Estimated energy throttling saved in the time range (throttled core-seconds x calibrated W per core).',
    type: 'stat',
    unit: 'joule',
    queries: [
      {
        refId: 'A',
        promql: 'sum(increase(slurmscope_throttle_energy_saved_joules_total[$__range]))',
        influxql:
          'SELECT sum("s") FROM (SELECT spread("energy_saved_joules_total") AS "s" FROM "slurmscope_throttle" WHERE $timeFilter GROUP BY "node")',
        format: 'table',
      },
    ],
    size: { w: 4, h: 8 },
  },
  {
    title: 'Agents reporting',
    description: "Nodes whose agent reported to ctld within 3 of its intervals (ctld's count).",
    type: 'stat',
    unit: 'none',
    queries: [
      {
        refId: 'A',
        promql: 'max(slurmscope_ctld_nodes_reporting)',
        influxql: 'SELECT last("nodes_reporting") FROM "slurmscope_ctld" WHERE $timeFilter',
        format: 'table',
      },
    ],
    size: { w: 4, h: 8 },
  },
  {
    title: 'Slurm snapshot age',
    description: 'Age of the Slurm snapshot ctld serves; it grows when Slurm hangs or polls fail.',
    type: 'stat',
    unit: 's',
    queries: [
      {
        refId: 'A',
        promql: 'max(slurmscope_slurm_snapshot_age_seconds)',
        influxql: 'SELECT last("snapshot_age_seconds") FROM "slurmscope_slurm" WHERE $timeFilter',
        format: 'table',
      },
    ],
    size: { w: 4, h: 8 },
  },
  {
    title: 'InfluxDB points dropped',
    description:
      "Points the daemons' InfluxDB outputs dropped in the time range, by reason (spool or memory full, too large, invalid): from their /metrics, so only where a Prometheus scrapes the daemons.",
    type: 'stat',
    unit: 'none',
    queries: [
      {
        refId: 'A',
        promql: 'sum by (reason) (increase(slurmscope_influx_points_dropped_total[$__range]))',
        influxql: null,
        format: 'table',
        note: 'the InfluxDB output keeps its own health on /metrics only (it would feed itself).',
      },
    ],
    size: { w: 4, h: 8 },
  },
];

/** Cluster: availability, node states, power, CO2e, throttling and the stack's health. */
export const CLUSTER: DashboardDef = {
  name: 'cluster',
  title: 'Slurm cluster',
  description: 'Availability, node states, power, CO2e, throttling and the health of slurmscope itself.',
  panels,
};
