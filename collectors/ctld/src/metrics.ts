import type { FamilyDesc, MetricType } from '@slurmscope/model';
import { REPORT_FAMILIES } from './reports/families.js';

const family = (name: string, type: MetricType, help: string, labelNames: string[]): FamilyDesc => ({
  name,
  type,
  help,
  labelNames,
});

const P = ['partition'];
const PS = ['partition', 'state'];
const PT = ['partition', 'gpu_type'];

/**
 * Every metric family of ctld's availability, webjobs, Slurm poll and cycle, in exposition
 * order: one literal name each, so that a grep finds its definition. Names are a fixed interface
 * (dashboards and alert rules use them). The job-report families have a table of their own,
 * beside their code, joined in {@link ALL_CTLD_FAMILIES}.
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
 * Every family ctld declares on /metrics (HELP and TYPE before the first sample), in exposition
 * order: its own and its report service's. The node-report store, the mailer and the sinks add
 * their self-metrics at each scrape.
 */
export const ALL_CTLD_FAMILIES: readonly FamilyDesc[] = [
  ...Object.values(CTLD_FAMILIES),
  ...Object.values(REPORT_FAMILIES),
];
