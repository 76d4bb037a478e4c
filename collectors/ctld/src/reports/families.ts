import type { FamilyDesc, MetricFamily, Sample } from '@slurmscope/model';
import { REPORT_FAMILIES } from '../metrics.js';
import type { IntensitySource } from '../co2.js';
import type { ClusterEnergy } from '../co2/cluster.js';
import type { TrackedJob } from './tracker.js';
import type { ArchiveCounts } from './types.js';

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
