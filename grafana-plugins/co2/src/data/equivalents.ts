import { Co2Options } from '../types';
import { formatCount, JOULES_PER_KWH } from './units';

/** The everyday equivalents the panel knows. */
export type EquivalentId = 'car' | 'kettle' | 'phone' | 'trees';

/** One everyday equivalent of the total: how many, and the sentence that says it. */
export interface Equivalent {
  readonly id: EquivalentId;
  /** How many (km, boils, charges, tree-years). */
  readonly count: number;
  /** "28 km driven by an average petrol car", "109 kettles boiled (1 litre each)". */
  readonly text: string;
}

interface Rule {
  readonly id: EquivalentId;
  readonly enabled: (o: Co2Options) => boolean;
  readonly factor: (o: Co2Options) => number;
  /** The amount the factor divides: grams CO2e, kWh or kg CO2e. */
  readonly amount: (t: { energyJoules: number; co2Grams: number }) => number;
  readonly words: (count: string, one: boolean) => string;
}

const RULES: readonly Rule[] = [
  {
    id: 'car',
    enabled: (o) => o.carEnabled,
    factor: (o) => o.carGramsPerKm,
    amount: (t) => t.co2Grams,
    words: (n) => `${n} km driven by an average petrol car`,
  },
  {
    id: 'kettle',
    enabled: (o) => o.kettleEnabled,
    factor: (o) => o.kettleKwhPerBoil,
    amount: (t) => t.energyJoules / JOULES_PER_KWH,
    words: (n, one) => `${n} ${one ? 'kettle' : 'kettles'} boiled (1 litre each)`,
  },
  {
    id: 'phone',
    enabled: (o) => o.phoneEnabled,
    factor: (o) => o.phoneKwhPerCharge,
    amount: (t) => t.energyJoules / JOULES_PER_KWH,
    words: (n, one) => `${n} smartphone ${one ? 'charge' : 'charges'}`,
  },
  {
    id: 'trees',
    enabled: (o) => o.treeEnabled,
    factor: (o) => o.treeKgPerYear,
    amount: (t) => t.co2Grams / 1000,
    words: (n, one) => `${n} ${one ? 'tree-year' : 'tree-years'} of CO2 uptake`,
  },
];

/**
 * The everyday equivalents of a total, in a fixed order (car, kettle, phone, trees): none when
 * `showEquivalents` is off; an equivalent that is turned off, or whose factor is not a positive
 * number (it would divide by zero), is left out. Pure.
 */
export function equivalents(total: { energyJoules: number; co2Grams: number }, options: Co2Options): Equivalent[] {
  if (!options.showEquivalents) {
    return [];
  }
  const out: Equivalent[] = [];
  for (const rule of RULES) {
    const factor = rule.factor(options);
    if (!rule.enabled(options) || !Number.isFinite(factor) || factor <= 0) {
      continue;
    }
    const count = rule.amount(total) / factor;
    const shown = formatCount(count);
    out.push({ id: rule.id, count, text: rule.words(shown, shown === '1.0') });
  }
  return out;
}
