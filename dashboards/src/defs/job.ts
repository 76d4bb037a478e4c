import type { DashboardDef, PanelDef, QueryDef } from './types.js';

/** A job selector in both languages: `jobid="$jobid"` or `jobid=~"$jobid"` (multi-value variable). */
export interface JobSelector {
  /** PromQL label matcher. */
  readonly promql: string;
  /** InfluxQL condition. */
  readonly influxql: string;
}

/** The single job of the Job dashboard. */
export const ONE_JOB: JobSelector = { promql: 'jobid="$jobid"', influxql: `"jobid" = '$jobid'` };

const perNode = (opts: {
  sel: JobSelector;
  metric: string;
  measurement: string;
  field: string;
  by: string;
}): QueryDef => ({
  refId: 'A',
  promql: `max by (${opts.by}) (${opts.metric}{${opts.sel.promql}})`,
  influxql: `SELECT mean("${opts.field}") FROM "${opts.measurement}" WHERE $timeFilter AND ${opts.sel.influxql} GROUP BY time($__interval), "${opts.by}" fill(none)`,
  format: 'time_series',
  legend: [opts.by],
});

/** Time series of the selected job(s): CPU, GPU and memory per node (or per job with `by: 'jobid'`). */
export function jobSeriesPanels(sel: JobSelector, by: 'node' | 'jobid'): PanelDef[] {
  const per = by === 'node' ? 'per node' : 'per job (max over its nodes)';
  return [
    {
      title: `CPU utilization ${per}`,
      description: 'CPU seconds per second per allocated CPU (the agents, from the cgroups).',
      type: 'timeseries',
      unit: 'percentunit',
      queries: [
        perNode({
          sel,
          by,
          metric: 'slurmscope_job_cpu_utilization_ratio',
          measurement: 'slurmscope_job',
          field: 'cpu_utilization_ratio',
        }),
      ],
      size: { w: 8, h: 8 },
    },
    {
      title: `GPU utilization ${per}`,
      description: "Mean utilization of the job's GPUs (nvidia-smi); empty for CPU-only jobs.",
      type: 'timeseries',
      unit: 'percentunit',
      queries: [
        perNode({
          sel,
          by,
          metric: 'slurmscope_gpu_utilization_ratio',
          measurement: 'slurmscope_gpu',
          field: 'utilization_ratio',
        }),
      ],
      size: { w: 8, h: 8 },
    },
    {
      title: `Memory used ${per}`,
      description: 'cgroup memory usage minus inactive file cache.',
      type: 'timeseries',
      unit: 'bytes',
      queries: [
        perNode({
          sel,
          by,
          metric: 'slurmscope_job_memory_used_bytes',
          measurement: 'slurmscope_job',
          field: 'memory_used_bytes',
        }),
      ],
      size: { w: 8, h: 8 },
    },
  ];
}

/** Energy and CO2e of the selected job(s) as their reports will state them, one row per job. */
export function jobReportPanels(sel: JobSelector): PanelDef[] {
  const q = (metric: string, field: string): QueryDef => ({
    refId: 'A',
    promql: `max by (jobid) (max_over_time(slurmscope_report_${metric}{${sel.promql}}[$__range]))`,
    influxql: `SELECT max("${field}") FROM "slurmscope_report" WHERE $timeFilter AND ${sel.influxql} GROUP BY "jobid"`,
    format: 'table',
  });
  return [
    {
      title: 'Energy (as the report states it)',
      description: 'Measured energy over its nodes + configured node overhead, so far (ctld; while the job runs).',
      type: 'stat',
      unit: 'joule',
      queries: [q('job_energy_joules', 'job_energy_joules')],
      size: { w: 6, h: 6 },
    },
    {
      title: 'CO2e (as the report states it)',
      description: 'Energy x PUE x the carbon intensity at the time, so far (ctld; while the job runs).',
      type: 'stat',
      unit: 'massg',
      queries: [q('job_co2_grams', 'job_co2_grams')],
      size: { w: 6, h: 6 },
    },
  ];
}

const findings: PanelDef = {
  title: 'Findings',
  description: "Findings of ctld's inspector raised for the job in the time range (uneven load, idle GPUs, ...).",
  type: 'table',
  queries: [
    {
      refId: 'A',
      promql: `max by (jobid, kind) (max_over_time(slurmscope_job_finding{${ONE_JOB.promql}}[$__range]))`,
      influxql: `SELECT max("finding") AS "active" FROM "slurmscope_job" WHERE $timeFilter AND ${ONE_JOB.influxql} AND "kind" != '' GROUP BY "jobid", "kind"`,
      format: 'table',
    },
  ],
  transformations: {
    prometheus: [{ id: 'organize', options: { excludeByName: { Time: true, Value: true } } }],
    influxdb: [{ id: 'organize', options: { excludeByName: { Time: true, active: true } } }],
  },
  size: { w: 12, h: 6 },
};

const power: PanelDef = {
  title: 'Power per node',
  description: "The job's attributed energy per second on each node: its CPU-time share of RAPL + its GPUs.",
  type: 'timeseries',
  unit: 'watt',
  queries: [
    {
      refId: 'A',
      promql: `sum by (node) (rate(slurmscope_job_energy_joules_total{${ONE_JOB.promql}}[$__rate_interval]))`,
      influxql: `SELECT non_negative_derivative(last("energy_joules_total"), 1s) FROM "slurmscope_job" WHERE $timeFilter AND ${ONE_JOB.influxql} GROUP BY time($__interval), "node" fill(none)`,
      format: 'time_series',
      legend: ['node'],
    },
  ],
  size: { w: 12, h: 8 },
};

/** Job: one job's CPU, GPU and memory per node, power, energy, CO2e, findings and a link to its report. */
export const JOB: DashboardDef = {
  name: 'job',
  title: 'Slurm job',
  description: 'One job (variable jobid): CPU, GPU and memory per node over time, power, energy, CO2e, findings.',
  variables: [
    {
      name: 'jobid',
      label: 'Job',
      promql: 'label_values(slurmscope_job_cpus, jobid)',
      influxql: 'SHOW TAG VALUES FROM "slurmscope_job" WITH KEY = "jobid"',
    },
  ],
  textVariables: { ctld: 'https://ctld.example.org:9818' },
  links: [
    {
      title: 'Job report',
      url: '${ctld}/api/v1/reports/${jobid}',
      tooltip: "The job's report from ctld (admin token, the user's Slurm JWT or a trusted proxy's user).",
    },
  ],
  panels: [...jobSeriesPanels(ONE_JOB, 'node'), power, ...jobReportPanels(ONE_JOB), findings],
};
