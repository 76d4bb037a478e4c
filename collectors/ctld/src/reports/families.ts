import { scalarFamily, type MetricFamily } from '@slurmscope/model';
import type { IntensitySource } from '../co2.js';
import type { ClusterEnergy } from '../co2/cluster.js';
import type { ReportCounters } from './service.js';
import type { TrackedJob } from './tracker.js';

/** What the report service's metrics are made of. */
export interface ReportFamiliesInput {
  readonly cluster: ClusterEnergy;
  readonly intensity: IntensitySource;
  readonly nowMs: number;
  readonly jobs: ReadonlyMap<string, TrackedJob>;
  readonly ending: number;
  readonly counters: ReportCounters;
}

/** The CO2/energy and report families; per-job series only for running jobs with measured energy. */
export function reportFamilies(i: ReportFamiliesInput): MetricFamily[] {
  const reading = i.intensity.at(i.nowMs);
  const measured = [...i.jobs.values()].filter((j) => j.energyMeasured);
  const perJob = (name: string, help: string, get: (j: TrackedJob) => number): MetricFamily => ({
    name,
    help,
    type: 'gauge',
    labelNames: ['jobid'],
    samples: measured.map((j) => ({ labels: { jobid: j.info.jobid }, value: get(j) })),
  });
  return [
    scalarFamily(
      'slurmscope_cluster_energy_joules_total',
      'Energy of the reporting nodes (RAPL + GPUs + configured per-node overhead, idle included) since ctld started.',
      'counter',
      i.cluster.energyJoules,
    ),
    scalarFamily(
      'slurmscope_cluster_co2_grams_total',
      'CO2e of that energy: kWh x PUE x intensity at the time, since ctld started.',
      'counter',
      i.cluster.co2Grams,
    ),
    {
      name: 'slurmscope_co2_intensity_grams_per_kwh',
      help: 'Carbon intensity in force (gCO2e/kWh); fallback="yes" when the source had no fresh value.',
      type: 'gauge',
      labelNames: ['source', 'basis', 'fallback'],
      samples: [
        {
          labels: { source: reading.source, basis: reading.basis, fallback: reading.fallback ? 'yes' : 'no' },
          value: reading.gPerKwh,
        },
      ],
    },
    perJob('slurmscope_job_co2_grams', 'CO2e of a running job so far (measured energy + overhead).', (j) => j.co2Grams),
    perJob(
      'slurmscope_job_energy_joules',
      'Energy of a running job so far (measured + overhead).',
      (j) => j.measuredJoules + j.overheadJoules,
    ),
    scalarFamily(
      'slurmscope_reports_written_total',
      'Job reports written to the archive.',
      'counter',
      i.counters.written,
    ),
    scalarFamily(
      'slurmscope_reports_errors_total',
      'Job reports that could not be written (retried).',
      'counter',
      i.counters.errors,
    ),
    scalarFamily(
      'slurmscope_reports_sacct_calls_total',
      'sacct commands run for ended jobs.',
      'counter',
      i.counters.sacctCalls,
    ),
    scalarFamily(
      'slurmscope_reports_sacct_errors_total',
      'Cycles in which a sacct command failed.',
      'counter',
      i.counters.sacctErrors,
    ),
    scalarFamily(
      'slurmscope_reports_dbd_scripts_total',
      'Batch scripts taken from slurmdbd because no agent sent one.',
      'counter',
      i.counters.dbdScripts,
    ),
    scalarFamily('slurmscope_reports_tracked_jobs', 'Jobs followed for their report.', 'gauge', i.jobs.size),
    scalarFamily('slurmscope_reports_pending_jobs', 'Ended jobs waiting for their final record.', 'gauge', i.ending),
  ];
}
