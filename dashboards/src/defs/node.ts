import type { DashboardDef, QueryDef } from './types.js';

const N = { promql: 'node="$node"', influxql: `"node" = '$node'` };

/** A time series of one field of the node, grouped by `by` (a tag) when given. */
function series(opts: { promql: string; measurement: string; select: string; by?: string }): QueryDef {
  const by = opts.by ? `, "${opts.by}"` : '';
  return {
    refId: 'A',
    promql: opts.promql,
    influxql: `SELECT ${opts.select} FROM "${opts.measurement}" WHERE $timeFilter AND ${N.influxql} GROUP BY time($__interval)${by} fill(none)`,
    format: 'time_series',
    ...(opts.by ? { legend: [opts.by] } : {}),
  };
}

/** Node: its jobs, power by source, throttling and collector errors. */
export const NODE: DashboardDef = {
  name: 'node',
  title: 'Slurm node',
  description: "One node (variable node): its jobs' CPU use, power by source, throttling and the agent's errors.",
  variables: [
    {
      name: 'node',
      label: 'Node',
      promql: 'label_values(slurmscope_node_cpus, node)',
      influxql: 'SHOW TAG VALUES FROM "slurmscope_node" WITH KEY = "node"',
    },
  ],
  panels: [
    {
      title: 'Jobs: CPU utilization',
      description: 'CPU utilization of each job on this node (CPU seconds per second per allocated CPU).',
      type: 'timeseries',
      unit: 'percentunit',
      queries: [
        series({
          promql: `max by (jobid) (slurmscope_job_cpu_utilization_ratio{${N.promql}})`,
          measurement: 'slurmscope_job',
          select: 'mean("cpu_utilization_ratio")',
          by: 'jobid',
        }),
      ],
    },
    {
      title: 'Jobs and CPUs',
      description: 'Slurm jobs with a cgroup on this node, and its online CPUs.',
      type: 'timeseries',
      unit: 'none',
      queries: [
        {
          ...series({
            promql: `max(slurmscope_node_jobs{${N.promql}})`,
            measurement: 'slurmscope_node',
            select: 'last("jobs")',
          }),
          alias: 'jobs',
        },
        {
          ...series({
            promql: `max(slurmscope_node_cpus{${N.promql}})`,
            measurement: 'slurmscope_node',
            select: 'last("cpus")',
          }),
          refId: 'B',
          alias: 'CPUs',
        },
      ],
    },
    {
      title: 'Power by source',
      description: 'Average power over each interval: rapl (package + DRAM), gpu (estimate from nvidia-smi).',
      type: 'timeseries',
      unit: 'watt',
      queries: [
        series({
          promql: `max by (source) (slurmscope_node_power_watts{${N.promql}})`,
          measurement: 'slurmscope_node',
          select: 'mean("power_watts")',
          by: 'source',
        }),
      ],
    },
    {
      title: 'Throttled cores',
      description: 'Logical CPUs whose clock the throttler lowered (cores no job holds, after the grace period).',
      type: 'timeseries',
      unit: 'none',
      queries: [
        series({
          promql: `max(slurmscope_node_throttled_cores{${N.promql}})`,
          measurement: 'slurmscope_node',
          select: 'last("throttled_cores")',
        }),
      ],
    },
    {
      title: 'Collector errors',
      description:
        'Errors per collector per interval (malformed files, failed or hung tools, RAPL resets); the agent goes on.',
      type: 'timeseries',
      unit: 'none',
      queries: [
        series({
          promql: `sum by (collector) (increase(slurmscope_collector_errors_total{${N.promql}}[$__rate_interval]))`,
          measurement: 'slurmscope_collector',
          select: 'non_negative_difference(last("errors_total"))',
          by: 'collector',
        }),
      ],
    },
    {
      title: 'Throttle errors',
      description: 'Failed reads or writes of cpufreq files and refused cores, per interval.',
      type: 'timeseries',
      unit: 'none',
      queries: [
        series({
          promql: `sum(increase(slurmscope_throttle_errors_total{${N.promql}}[$__rate_interval]))`,
          measurement: 'slurmscope_throttle',
          select: 'non_negative_difference(last("errors_total"))',
        }),
      ],
    },
  ],
};
