import type { MetricFamily } from '@slurmscope/model';
import { THROTTLE_FAMILIES } from '../metrics.js';

/** What the metrics are made of. */
export interface ThrottleTotals {
  readonly node: string;
  readonly throttledCores: number;
  readonly coreSeconds: number;
  readonly errors: number;
  /** Absent when no calibration is known (absent, not zero). */
  readonly energyJoules?: number;
}

/** Builds the throttler's metric families from its totals. */
export function throttleFamilies(t: ThrottleTotals): MetricFamily[] {
  const labels = { node: t.node };
  const families: MetricFamily[] = [
    { ...THROTTLE_FAMILIES.throttledCores, samples: [{ labels, value: t.throttledCores }] },
    { ...THROTTLE_FAMILIES.throttleSeconds, samples: [{ labels, value: t.coreSeconds }] },
    { ...THROTTLE_FAMILIES.throttleErrors, samples: [{ labels, value: t.errors }] },
  ];
  if (t.energyJoules !== undefined) {
    families.push({ ...THROTTLE_FAMILIES.energySaved, samples: [{ labels, value: t.energyJoules }] });
  }
  return families;
}
