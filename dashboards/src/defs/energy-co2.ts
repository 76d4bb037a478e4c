import type { DashboardDef, PanelDef, QueryDef } from './types.js';

const table = (refId: string, promql: string | null, influxql: string | null, note?: string): QueryDef => ({
  refId,
  promql,
  influxql,
  format: 'table',
  ...(note ? { note } : {}),
});

const SAVED_INFLUX =
  'SELECT sum("saved") AS "saved_joules" FROM (SELECT spread("energy_saved_joules_total") AS "saved" FROM "slurmscope_throttle" WHERE $timeFilter GROUP BY "node")';

/** The CO2 panel by job, with the recipes of grafana-plugins/co2/README.md. */
const co2: PanelDef = {
  title: 'CO2e by job',
  description:
    "Energy and CO2e of each job as its report states it (measured + node overhead, x PUE x intensity), and the energy throttling saved. By job only: the stores hold no user, account or partition (ctld's GET /api/v1/co2?by=user|account|partition has them).",
  type: 'slurmscope-co2-panel',
  queries: [
    table(
      'A',
      'max by (jobid) (max_over_time(slurmscope_report_job_energy_joules[$__range]))',
      'SELECT max("job_energy_joules") AS "energy_joules", max("job_co2_grams") AS "co2_grams" FROM "slurmscope_report" WHERE $timeFilter GROUP BY "jobid"',
    ),
    table('B', 'max by (jobid) (max_over_time(slurmscope_report_job_co2_grams[$__range]))', SAVED_INFLUX),
    table('C', 'sum(increase(slurmscope_throttle_energy_saved_joules_total[$__range]))', null),
  ],
  transformations: {
    prometheus: [
      {
        id: 'joinByField',
        options: { byField: 'jobid', mode: 'outerTabular' },
        filter: { id: 'byRefId', options: '/^(A|B)$/' },
      },
      {
        id: 'organize',
        options: {
          excludeByName: { Time: true },
          renameByName: { 'Value #A': 'energy_joules', 'Value #B': 'co2_grams', 'Value #C': 'saved_joules' },
        },
      },
    ],
  },
  options: { keyField: 'jobid', topN: 10, showEquivalents: true },
  size: { w: 24, h: 12 },
};

const stat = (title: string, description: string, unit: string, q: QueryDef): PanelDef => ({
  title,
  description,
  type: 'stat',
  unit,
  queries: [q],
  size: { w: 6, h: 6 },
});

const spread = (measurement: string, field: string): string =>
  `SELECT spread("${field}") FROM "${measurement}" WHERE $timeFilter`;

/** Energy & CO2: the CO2 panel, the intensity used, the cluster's totals and what throttling saved. */
export const ENERGY_CO2: DashboardDef = {
  name: 'energy-co2',
  title: 'Energy and CO2e',
  description: 'CO2e by job, the carbon intensity used, the cluster totals and the energy saved by throttling.',
  panels: [
    co2,
    stat(
      'Cluster energy',
      'Energy of the reporting nodes in the time range (RAPL + GPUs + configured overhead, idle included; ctld).',
      'joule',
      table(
        'A',
        'sum(increase(slurmscope_cluster_energy_joules_total[$__range]))',
        spread('slurmscope_cluster', 'energy_joules_total'),
      ),
    ),
    stat(
      'Cluster CO2e',
      'CO2e of that energy in the time range (kWh x PUE x intensity at the time).',
      'massg',
      table(
        'A',
        'sum(increase(slurmscope_cluster_co2_grams_total[$__range]))',
        spread('slurmscope_cluster', 'co2_grams_total'),
      ),
    ),
    stat(
      'Saved by throttling',
      'Estimated energy the throttling of idle cores saved in the time range, all nodes.',
      'joule',
      table('A', 'sum(increase(slurmscope_throttle_energy_saved_joules_total[$__range]))', SAVED_INFLUX),
    ),
    stat(
      'Intensity now',
      'Carbon intensity in force (gCO2e/kWh); fallback=yes when the source had no fresh value.',
      'suffix: gCO2e/kWh',
      table(
        'A',
        'max(slurmscope_co2_intensity_grams_per_kwh)',
        'SELECT last("intensity_grams_per_kwh") FROM "slurmscope_co2" WHERE $timeFilter',
      ),
    ),
    {
      title: 'Carbon intensity used',
      description: 'The intensity ctld multiplied energy by, per source and basis; fallback=yes marks a stale source.',
      type: 'timeseries',
      unit: 'suffix: gCO2e/kWh',
      queries: [
        {
          refId: 'A',
          promql: 'max by (source, basis, fallback) (slurmscope_co2_intensity_grams_per_kwh)',
          influxql:
            'SELECT last("intensity_grams_per_kwh") FROM "slurmscope_co2" WHERE $timeFilter GROUP BY time($__interval), "source", "basis", "fallback" fill(none)',
          format: 'time_series',
          legend: ['source', 'basis', 'fallback'],
        },
      ],
    },
    {
      title: 'Power saved by throttling per node',
      description: 'Estimated power the throttler saves on each node (energy saved per second).',
      type: 'timeseries',
      unit: 'watt',
      queries: [
        {
          refId: 'A',
          promql: 'sum by (node) (rate(slurmscope_throttle_energy_saved_joules_total[$__rate_interval]))',
          influxql:
            'SELECT non_negative_derivative(last("energy_saved_joules_total"), 1s) FROM "slurmscope_throttle" WHERE $timeFilter GROUP BY time($__interval), "node" fill(none)',
          format: 'time_series',
          legend: ['node'],
        },
      ],
    },
  ],
};
