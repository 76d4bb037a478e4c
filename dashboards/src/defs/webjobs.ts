import type { DashboardDef, PanelDef, QueryDef } from './types.js';

const table = (refId: string, promql: string | null, influxql: string | null): QueryDef => ({
  refId,
  promql,
  influxql,
  format: 'table',
});

/**
 * The webjobs panel's queries (grafana-plugins/webjobs/README.md) with a job selector: `jobs`
 * is a PromQL label matcher body and an InfluxQL condition, both empty for every job.
 */
export function webjobsPanel(opts: { title: string; jobs: { promql: string; influxql: string } }): PanelDef {
  const m = opts.jobs.promql ? `{${opts.jobs.promql}}` : '';
  const gm = opts.jobs.promql ? `{jobid!="",${opts.jobs.promql}}` : '{jobid!=""}';
  const w = opts.jobs.influxql ? ` AND ${opts.jobs.influxql}` : '';
  return {
    title: opts.title,
    description:
      'Every running job: a row of cells, one per node, coloured by CPU utilization; the most uneven first, with active findings as badges. The stores hold no user, so rows show none.',
    type: 'slurmscope-webjobs-panel',
    queries: [
      table(
        'A',
        `max by (jobid, node) (slurmscope_job_cpu_utilization_ratio${m})`,
        `SELECT last("cpu_utilization_ratio") AS "cpu_util", last("memory_used_bytes") AS "mem_used_bytes" FROM "slurmscope_job" WHERE time > now() - 1m AND "node" != ''${w} GROUP BY "jobid", "node"`,
      ),
      table(
        'B',
        `avg by (jobid, node) (slurmscope_gpu_utilization_ratio${gm})`,
        `SELECT last("utilization_ratio") AS "gpu_util" FROM "slurmscope_gpu" WHERE time > now() - 1m AND "jobid" != ''${w} GROUP BY "jobid", "node", "gpu"`,
      ),
      table('C', `max by (jobid, node) (slurmscope_job_memory_used_bytes${m})`, null),
      table(
        'D',
        `max by (jobid, kind) (slurmscope_job_finding${m})`,
        `SELECT last("finding") AS "active" FROM "slurmscope_job" WHERE time > now() - 2m AND "kind" != ''${w} GROUP BY "jobid", "kind"`,
      ),
    ],
    transformations: {
      prometheus: [
        {
          id: 'organize',
          options: { renameByName: { 'Value #A': 'cpu_util', 'Value #B': 'gpu_util', 'Value #C': 'mem_used_bytes' } },
        },
      ],
    },
    options: {
      metric: 'cpu',
      sort: 'uneven',
      lowThreshold: 0.25,
      goodThreshold: 0.75,
      showUser: true,
      // @uid(job) becomes the Job dashboard's uid in the same flavour (build.ts).
      urlTemplate: '/d/@uid(job)?var-jobid=${jobid}&var-datasource=${datasource}',
    },
    size: { w: 24, h: 12 },
  };
}

/** A top-10 table of one per-job ratio of ctld, sorted `desc`ending or ascending. */
function worst(opts: { title: string; description: string; field: string; as: string; desc: boolean }): PanelDef {
  const k = opts.desc ? 'topk' : 'bottomk';
  return {
    title: opts.title,
    description: opts.description,
    type: 'table',
    unit: 'percentunit',
    queries: [
      table(
        'A',
        `${k}(10, max by (jobid) (slurmscope_job_${opts.field}))`,
        `SELECT last("${opts.field}") AS "${opts.as}" FROM "slurmscope_job" WHERE time > now() - 2m GROUP BY "jobid"`,
      ),
    ],
    transformations: {
      prometheus: [
        { id: 'organize', options: { excludeByName: { Time: true }, renameByName: { Value: opts.as } } },
        { id: 'sortBy', options: { sort: [{ field: opts.as, desc: opts.desc }] } },
      ],
      influxdb: [
        { id: 'organize', options: { excludeByName: { Time: true } } },
        { id: 'sortBy', options: { sort: [{ field: opts.as, desc: opts.desc }] } },
        { id: 'limit', options: { limitField: 10 } },
      ],
    },
    size: { w: 8, h: 10 },
  };
}

/** Webjobs: the webjobs panel, the worst jobs by imbalance and by CPU efficiency, active findings. */
export const WEBJOBS: DashboardDef = {
  name: 'webjobs',
  title: 'Slurm jobs by node',
  description: 'Running jobs per node, the most uneven and least efficient jobs, and active findings.',
  panels: [
    webjobsPanel({ title: 'Running jobs by node', jobs: { promql: '', influxql: '' } }),
    worst({
      title: 'Most uneven jobs',
      description: "ctld's load imbalance: (max - min) / max of the job's per-node CPU utilization.",
      field: 'load_imbalance_ratio',
      as: 'imbalance',
      desc: true,
    }),
    worst({
      title: 'Least CPU-efficient jobs',
      description: 'CPU time used / CPU time allocated over the measured nodes (ctld).',
      field: 'cpu_efficiency_ratio',
      as: 'cpu_efficiency',
      desc: false,
    }),
    {
      title: 'Active findings',
      description: "Findings of ctld's inspector about running jobs (uneven_load, idle_gpus, ...).",
      type: 'table',
      queries: [
        table(
          'A',
          'max by (jobid, kind) (slurmscope_job_finding)',
          `SELECT last("finding") AS "active" FROM "slurmscope_job" WHERE time > now() - 2m AND "kind" != '' GROUP BY "jobid", "kind"`,
        ),
      ],
      transformations: {
        prometheus: [{ id: 'organize', options: { excludeByName: { Time: true, Value: true } } }],
        influxdb: [{ id: 'organize', options: { excludeByName: { Time: true, active: true } } }],
      },
      size: { w: 8, h: 10 },
    },
  ],
};
