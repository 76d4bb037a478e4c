import type { FamilyDesc, MetricType } from '@slurmscope/model';

const family = (name: string, type: MetricType, help: string, labelNames: string[] = []): FamilyDesc => ({
  name,
  type,
  help,
  labelNames,
});

const P = ['partition'];
const PS = ['partition', 'state'];
const PT = ['partition', 'gpu_type'];
const PW = ['partition', 'within'];

/**
 * Every metric family of ctld's availability, webjobs, Slurm poll and cycle, in exposition
 * order: one literal name each, so that a grep finds its definition. Names are a fixed interface
 * (dashboards and alert rules use them). This file is ctld's one table of metric names: the
 * report service's, the node-report store's and the mailer's families follow below.
 */
export const CTLD_FAMILIES = {
  partitionNodes: family(
    'slurmscope_partition_nodes',
    'gauge',
    'Nodes per partition by state (a node in several partitions counts in each).',
    PS,
  ),
  partitionCpus: family('slurmscope_partition_cpus', 'gauge', 'CPUs per partition by state.', PS),
  partitionPreemptableCpus: family(
    'slurmscope_partition_preemptable_cpus',
    'gauge',
    'CPUs held by jobs a job of this partition may preempt.',
    P,
  ),
  partitionAvailableCpus: family(
    'slurmscope_partition_available_cpus',
    'gauge',
    'CPUs available now: idle + preemptable.',
    P,
  ),
  partitionMemory: family('slurmscope_partition_memory_bytes', 'gauge', 'Memory in bytes per partition by state.', PS),
  partitionPreemptableMemory: family(
    'slurmscope_partition_preemptable_memory_bytes',
    'gauge',
    'Memory in bytes held by jobs a job of this partition may preempt.',
    P,
  ),
  partitionAvailableMemory: family(
    'slurmscope_partition_available_memory_bytes',
    'gauge',
    'Memory in bytes available now: idle + preemptable.',
    P,
  ),
  partitionGpus: family('slurmscope_partition_gpus', 'gauge', 'GPUs per partition by state.', PS),
  partitionPreemptableGpus: family(
    'slurmscope_partition_preemptable_gpus',
    'gauge',
    'GPUs held by jobs a job of this partition may preempt.',
    P,
  ),
  partitionAvailableGpus: family(
    'slurmscope_partition_available_gpus',
    'gauge',
    'GPUs available now: idle + preemptable.',
    P,
  ),
  partitionGpusByType: family(
    'slurmscope_partition_gpus_by_type',
    'gauge',
    'GPUs per partition and GRES type by state.',
    [...PT, 'state'],
  ),
  partitionPreemptableGpusByType: family(
    'slurmscope_partition_preemptable_gpus_by_type',
    'gauge',
    'GPUs per GRES type held by jobs a job of this partition may preempt.',
    PT,
  ),
  partitionAvailableGpusByType: family(
    'slurmscope_partition_available_gpus_by_type',
    'gauge',
    'GPUs per GRES type available now: idle + preemptable.',
    PT,
  ),
  partitionUp: family(
    'slurmscope_partition_up',
    'gauge',
    '1 when the partition is UP (accepts and starts jobs), else 0.',
    P,
  ),
  partitionFreeingNodes: family(
    'slurmscope_partition_freeing_nodes',
    'gauge',
    'Mixed or allocated nodes that running jobs release within the window by their Slurm end times (every job on the node ends within it); within="1h"|"6h".',
    PW,
  ),
  partitionFreeingCpus: family(
    'slurmscope_partition_freeing_cpus',
    'gauge',
    'CPUs that running jobs release within the window by their Slurm end times (usable nodes only; within="1h"|"6h", 6h includes 1h).',
    PW,
  ),
  partitionFreeingMemory: family(
    'slurmscope_partition_freeing_memory_bytes',
    'gauge',
    'Memory in bytes that running jobs release within the window by their Slurm end times (usable nodes only; within="1h"|"6h", 6h includes 1h).',
    PW,
  ),
  partitionFreeingGpus: family(
    'slurmscope_partition_freeing_gpus',
    'gauge',
    'GPUs that running jobs release within the window by their Slurm end times (usable nodes only; within="1h"|"6h", 6h includes 1h).',
    PW,
  ),
  partitionFreeingGpusByType: family(
    'slurmscope_partition_freeing_gpus_by_type',
    'gauge',
    'GPUs per GRES type that running jobs release within the window by their Slurm end times (usable nodes only; within="1h"|"6h", 6h includes 1h).',
    [...PT, 'within'],
  ),
  jobLoadImbalance: family(
    'slurmscope_job_load_imbalance_ratio',
    'gauge',
    '(max - min) / max of per-node CPU utilization of a running job.',
    ['jobid'],
  ),
  jobCpuEfficiency: family(
    'slurmscope_job_cpu_efficiency_ratio',
    'gauge',
    "CPU time used / CPU time allocated over the job's measured nodes.",
    ['jobid'],
  ),
  jobGpuEfficiency: family('slurmscope_job_gpu_efficiency_ratio', 'gauge', "Mean utilization of the job's GPUs.", [
    'jobid',
  ]),
  slurmSnapshotAge: family(
    'slurmscope_slurm_snapshot_age_seconds',
    'gauge',
    'Age of the Slurm snapshot being served (as the API reports it).',
    [],
  ),
  slurmSnapshotStale: family(
    'slurmscope_slurm_snapshot_stale',
    'gauge',
    "1 when the served Slurm snapshot is stale: the last poll failed, no poll finished for 3 intervals (a hung Slurm), or none yet; the API's stale flag.",
    [],
  ),
  slurmPollErrors: family('slurmscope_slurm_poll_errors_total', 'counter', 'Slurm polls that failed.', []),
  slurmCommands: family('slurmscope_slurm_commands_total', 'counter', 'Slurm commands run by ctld, by poll step.', [
    'command',
  ]),
  slurmJobsRunning: family(
    'slurmscope_slurm_jobs_running',
    'gauge',
    'Running and completing jobs in the snapshot.',
    [],
  ),
  slurmJobsPending: family(
    'slurmscope_slurm_jobs_pending',
    'gauge',
    'Pending jobs as slurmctld last counted them (sdiag).',
    [],
  ),
  ctldCycles: family('slurmscope_ctld_cycles_total', 'counter', 'ctld cycles run (one Slurm poll each).', []),
  ctldCycleSeconds: family('slurmscope_ctld_cycle_seconds', 'gauge', 'Wall time of the last ctld cycle.', []),
  ctldReportErrors: family(
    'slurmscope_ctld_report_errors_total',
    'counter',
    'Cycles whose job-report step failed.',
    [],
  ),
} as const;

/**
 * Every metric family of ctld's report service, by full name, in exposition order. Names are a
 * fixed interface. Per-job values derived by ctld for a job's report are `slurmscope_report_job_*`
 * gauges, never to be confused with the agents' per-node counters `slurmscope_job_*_total`.
 */
export const REPORT_FAMILIES = {
  clusterEnergy: family(
    'slurmscope_cluster_energy_joules_total',
    'counter',
    'Energy of the reporting nodes (RAPL + GPUs + configured per-node overhead, idle included) since ctld started.',
  ),
  clusterCo2: family(
    'slurmscope_cluster_co2_grams_total',
    'counter',
    'CO2e of that energy: kWh x PUE x intensity at the time, since ctld started.',
  ),
  intensity: family(
    'slurmscope_co2_intensity_grams_per_kwh',
    'gauge',
    'Carbon intensity in force (gCO2e/kWh); fallback="yes" when the source had no fresh value.',
    ['source', 'basis', 'fallback'],
  ),
  jobCo2: family(
    'slurmscope_report_job_co2_grams',
    'gauge',
    'CO2e of a running job so far, as its report will state it (measured energy + overhead, x PUE x intensity).',
    ['jobid'],
  ),
  jobEnergy: family(
    'slurmscope_report_job_energy_joules',
    'gauge',
    'Energy of a running job so far, as its report will state it: measured energy summed over its nodes + configured overhead.',
    ['jobid'],
  ),
  written: family('slurmscope_reports_written_total', 'counter', 'Job reports written to the archive.'),
  errors: family('slurmscope_reports_errors_total', 'counter', 'Failed writes of a job report (each retried).'),
  abandoned: family(
    'slurmscope_reports_abandoned_total',
    'counter',
    'Job reports given up after their last failed write.',
  ),
  sacctCalls: family('slurmscope_reports_sacct_calls_total', 'counter', 'sacct commands run for ended jobs.'),
  sacctErrors: family('slurmscope_reports_sacct_errors_total', 'counter', 'Cycles in which a sacct command failed.'),
  dbdScripts: family(
    'slurmscope_reports_dbd_scripts_total',
    'counter',
    'Batch scripts taken from slurmdbd because no agent sent one.',
  ),
  unreadable: family(
    'slurmscope_reports_unreadable_total',
    'counter',
    'Report files left out of the index at start-up: unreadable, or no report in their first 64 KiB (a gzip bomb).',
  ),
  aclErrors: family(
    'slurmscope_reports_acl_errors_total',
    'counter',
    "Reports whose job user could not be given read access by ACL (they read it through ctld's API).",
  ),
  adopted: family(
    'slurmscope_reports_adopted_total',
    'counter',
    'Reports of the old layout (owned by their user) taken back by ctld at start-up.',
  ),
  refused: family(
    'slurmscope_reports_refused_total',
    'counter',
    'Files in the archive refused at start-up (not a plain file, or a foreign owner ctld cannot take back).',
  ),
  trackedJobs: family('slurmscope_reports_tracked_jobs', 'gauge', 'Jobs followed for their report.'),
  pendingJobs: family('slurmscope_reports_pending_jobs', 'gauge', 'Ended jobs waiting for their final record.'),
} as const;

/**
 * The metric families of the node-report store, by full name, in exposition order (declared by
 * ctld beside its own table). Names are a fixed interface.
 */
export const NODE_REPORT_FAMILIES = {
  results: {
    name: 'slurmscope_ctld_node_reports_total',
    help: 'Node reports POSTed by agents, by result (accepted, unauthorized, invalid, too_large, refused).',
    type: 'counter',
    labelNames: ['result'],
  },
  refused: {
    name: 'slurmscope_ctld_node_reports_refused_total',
    help: 'Node reports, or one job or script of them, refused by the checks against Slurm and the clock, by reason.',
    type: 'counter',
    labelNames: ['reason'],
  },
  reporting: {
    name: 'slurmscope_ctld_nodes_reporting',
    help: 'Nodes whose agent reported within 3 of its intervals (and nodeReports.maxAge).',
    type: 'gauge',
    labelNames: [],
  },
  agentUp: {
    name: 'slurmscope_node_agent_up',
    help: "1 when the node's agent reported within 3 of its intervals (and nodeReports.maxAge), else 0; one series per node Slurm reports usable (not down, powered down, or drained without jobs).",
    type: 'gauge',
    labelNames: ['node'],
  },
} as const satisfies Record<string, FamilyDesc>;

/** The mail service's families (added at each scrape when mail is configured). */
export const MAIL_FAMILIES = {
  sent: family(
    'slurmscope_mails_sent_total',
    'counter',
    'Mails accepted by the SMTP server (findings, digests, summaries).',
  ),
  failed: family(
    'slurmscope_mails_failed_total',
    'counter',
    'Mails given up: refused for good by the server (5xx for the recipient), or refused by a full queue.',
  ),
  suppressed: family(
    'slurmscope_mails_suppressed_total',
    'counter',
    "Mails not sent at once because the user had the day's most already: folded into their daily digest.",
  ),
  queued: family('slurmscope_mails_queued', 'gauge', 'Mails waiting in the disk queue (<stateDir>/mail/queue).'),
  dryRun: family('slurmscope_mails_dry_run_total', 'counter', 'Mails logged instead of sent (smtp.dryRun).'),
  digests: family(
    'slurmscope_mails_digests_sent_total',
    'counter',
    'Daily digests mailed to users (or logged, in dry run).',
  ),
  summaries: family(
    'slurmscope_mails_summaries_sent_total',
    'counter',
    'Weekly summaries mailed to the admins (or logged, in dry run).',
  ),
  addressErrors: family(
    'slurmscope_mails_address_errors_total',
    'counter',
    'Failed runs of smtp.addressCommand (the mail waits and is retried).',
  ),
} as const;

/** The live inspector's families: findings about running jobs (names are a fixed interface). */
export const INSPECTOR_FAMILIES = {
  jobFinding: family(
    'slurmscope_job_finding',
    'gauge',
    'A finding about a running job (uneven_load, idle_gpus, ...): 1 while it is active, absent otherwise.',
    ['jobid', 'kind'],
  ),
  findings: family(
    'slurmscope_findings_total',
    'counter',
    "Findings raised so far by kind (live ones when raised, end-of-job ones when the job's report is written); kept across restarts.",
    ['kind'],
  ),
} as const;

/**
 * Every family ctld declares on /metrics (HELP and TYPE before the first sample), in exposition
 * order: its own, its report service's and the inspector's. The node-report store, the mailer and the sinks add
 * their self-metrics at each scrape.
 */
export const ALL_CTLD_FAMILIES: readonly FamilyDesc[] = [
  ...Object.values(CTLD_FAMILIES),
  ...Object.values(REPORT_FAMILIES),
  ...Object.values(INSPECTOR_FAMILIES),
];
