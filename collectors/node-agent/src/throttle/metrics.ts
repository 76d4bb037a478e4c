import type { FamilyDesc, MetricFamily } from '@slurmscope/model';

/** The throttler's metric families. Names are a fixed interface (dashboards use them). */
export const THROTTLE_FAMILIES = {
  throttledCores: {
    name: 'slurmscope_node_throttled_cores',
    type: 'gauge',
    help: 'Logical CPUs whose clock the throttler has lowered now.',
    labelNames: ['node'],
  },
  throttleSeconds: {
    name: 'slurmscope_throttle_seconds_total',
    type: 'counter',
    help: 'Core-seconds throttled: logical CPUs held at the floor times seconds, across agent restarts.',
    labelNames: ['node'],
  },
  throttleErrors: {
    name: 'slurmscope_throttle_errors_total',
    type: 'counter',
    help: 'Failed reads or writes of cpufreq files and refused cores (floor above max, no powersave governor).',
    labelNames: ['node'],
  },
  energySaved: {
    name: 'slurmscope_throttle_energy_saved_joules_total',
    type: 'counter',
    help: 'Estimated energy saved: throttled core-seconds x (idle W per core at full clock - at the floor), from the node calibration.',
    labelNames: ['node'],
  },
} as const satisfies Record<string, FamilyDesc>;

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
