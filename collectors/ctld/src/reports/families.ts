import type { FamilyDesc, MetricFamily, MetricType, Sample } from '@slurmscope/model';
import type { IntensitySource } from '../co2.js';
import type { ClusterEnergy } from '../co2/cluster.js';
import type { TrackedJob } from './tracker.js';
import type { ArchiveCounts } from './types.js';

const family = (name: string, type: MetricType, help: string, labelNames: string[] = []): FamilyDesc => ({
  name,
  type,
  help,
  labelNames,
});

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

/** Counters of the report service, exposed as metrics. */
export interface ReportCounters {
  written: number;
  errors: number;
  abandoned: number;
  sacctCalls: number;
  sacctErrors: number;
  dbdScripts: number;
}

/** What the report service's metrics are made of. */
export interface ReportFamiliesInput {
  readonly cluster: ClusterEnergy;
  readonly intensity: IntensitySource;
  readonly nowMs: number;
  readonly jobs: ReadonlyMap<string, TrackedJob>;
  readonly ending: number;
  readonly counters: ReportCounters;
  /** The archive's counts; zero for a store that has none. */
  readonly archive?: ArchiveCounts;
}

const one = (desc: FamilyDesc, value: number): MetricFamily => ({ ...desc, samples: [{ labels: {}, value }] });

/** The CO2/energy and report families; per-job series only for running jobs with measured energy. */
export function reportFamilies(i: ReportFamiliesInput): MetricFamily[] {
  const F = REPORT_FAMILIES;
  const reading = i.intensity.at(i.nowMs);
  const measured = [...i.jobs.values()].filter((j) => j.energyMeasured);
  const perJob = (get: (j: TrackedJob) => number): Sample[] =>
    measured.map((j) => ({ labels: { jobid: j.info.jobid }, value: get(j) }));
  const a = i.archive ?? { unreadable: 0, aclErrors: 0, adopted: 0, refused: 0 };
  const fallback = reading.fallback ? 'yes' : 'no';
  return [
    one(F.clusterEnergy, i.cluster.energyJoules),
    one(F.clusterCo2, i.cluster.co2Grams),
    {
      ...F.intensity,
      samples: [{ labels: { source: reading.source, basis: reading.basis, fallback }, value: reading.gPerKwh }],
    },
    { ...F.jobCo2, samples: perJob((j) => j.co2Grams) },
    { ...F.jobEnergy, samples: perJob((j) => j.measuredJoules + j.overheadJoules) },
    one(F.written, i.counters.written),
    one(F.errors, i.counters.errors),
    one(F.abandoned, i.counters.abandoned),
    one(F.sacctCalls, i.counters.sacctCalls),
    one(F.sacctErrors, i.counters.sacctErrors),
    one(F.dbdScripts, i.counters.dbdScripts),
    one(F.unreadable, a.unreadable),
    one(F.aclErrors, a.aclErrors),
    one(F.adopted, a.adopted),
    one(F.refused, a.refused),
    one(F.trackedJobs, i.jobs.size),
    one(F.pendingJobs, i.ending),
  ];
}
