import { FINDING_KINDS, type FindingKind } from '@slurmscope/common';
import type { MetricFamily } from '@slurmscope/model';
import { INSPECTOR_FAMILIES } from '../metrics.js';
import type { RaisedFinding } from './types.js';

/**
 * `slurmscope_job_finding{jobid,kind}` (1 per active finding of a running job) and
 * `slurmscope_findings_total{kind}` (every kind, 0 included, so that rate() has a start).
 */
export function inspectorFamilies(
  active: readonly RaisedFinding[],
  totals: Partial<Record<FindingKind, number>>,
): MetricFamily[] {
  return [
    {
      ...INSPECTOR_FAMILIES.jobFinding,
      samples: active.map((f) => ({ labels: { jobid: f.jobid, kind: f.kind }, value: 1 })),
    },
    {
      ...INSPECTOR_FAMILIES.findings,
      samples: FINDING_KINDS.map((kind) => ({ labels: { kind }, value: totals[kind] ?? 0 })),
    },
  ];
}
