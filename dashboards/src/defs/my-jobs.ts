import { jobReportPanels, jobSeriesPanels, type JobSelector } from './job.js';
import type { DashboardDef } from './types.js';
import { webjobsPanel } from './webjobs.js';

/** The jobs picked in the multi-value `jobid` variable (Grafana writes several as a regex). */
const PICKED: JobSelector = { promql: 'jobid=~"$jobid"', influxql: `"jobid" =~ /^$jobid$/` };

/**
 * My jobs, for embedding. No series in either store carries the job's user (the agents' and
 * ctld's per-job series have `jobid` and `node` only), so the panels cannot filter by
 * `${__user.login}`: the jobs are picked in `jobid`; the signed-in user's own finished
 * reports are one link away (ctld filters those by user).
 */
export const MY_JOBS: DashboardDef = {
  name: 'my-jobs',
  title: 'My Slurm jobs',
  description:
    "Jobs picked in 'jobid' (the stores hold no user, so the panels cannot pick the signed-in user's jobs themselves): load per node, CPU, GPU, memory, energy and CO2e; the header links to your reports in ctld.",
  variables: [
    {
      name: 'jobid',
      label: 'Jobs',
      promql: 'label_values(slurmscope_job_cpus, jobid)',
      influxql: 'SHOW TAG VALUES FROM "slurmscope_job" WITH KEY = "jobid"',
      multi: true,
    },
  ],
  textVariables: { ctld: 'https://ctld.example.org:9818' },
  links: [
    {
      title: 'My job reports',
      url: '${ctld}/api/v1/reports?user=${__user.login}',
      tooltip: "Your finished jobs' reports in ctld (your Slurm JWT or a trusted proxy's user).",
    },
    {
      title: 'My jobs in the portal',
      url: '${ctld}/portal/',
      tooltip: "ctld's portal shows your running jobs when it knows you (trusted proxy or #token=).",
    },
  ],
  panels: [
    webjobsPanel({ title: 'Jobs by node', jobs: PICKED }),
    ...jobSeriesPanels(PICKED, 'jobid'),
    ...jobReportPanels(PICKED),
  ],
};
