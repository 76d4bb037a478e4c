/**
 * Options of the CO2 panel. Flat on purpose: hosts (Grafana, ctld's portal) merge defaults and
 * overrides shallowly. Every default lives in DEFAULT_OPTIONS; the README explains the factors.
 */
export interface Co2Options {
  /** The field that names a row: `jobid` (default), or `user`, `account`, `partition` when the query groups by those. */
  keyField: string;
  /** Field with the energy of a row, in joules. */
  energyField: string;
  /** Field with the CO2e of a row, in grams. */
  co2Field: string;
  /** Optional field with the energy saved by throttling, in joules (this frame or a frame of its own). */
  savedField: string;
  /** Bars shown, largest CO2e first; the rest is folded into "others (K more)". */
  topN: number;
  /** Show everyday equivalents under the total. */
  showEquivalents: boolean;
  /** Equivalent: km driven by an average petrol car. */
  carEnabled: boolean;
  /** Grams CO2e per km of an average petrol car. */
  carGramsPerKm: number;
  /** Equivalent: kettles of 1 litre boiled. */
  kettleEnabled: boolean;
  /** kWh per boil of a 1-litre kettle. */
  kettleKwhPerBoil: number;
  /** Equivalent: full smartphone charges. */
  phoneEnabled: boolean;
  /** kWh per full smartphone charge, charger losses included. */
  phoneKwhPerCharge: number;
  /** Equivalent: tree-years of CO2 uptake. */
  treeEnabled: boolean;
  /** kg CO2 one tree takes up in a year. */
  treeKgPerYear: number;
}

/** The defaults of every option (sources of the factors: README.md, "Everyday equivalents"). */
export const DEFAULT_OPTIONS: Readonly<Co2Options> = {
  keyField: 'jobid',
  energyField: 'energy_joules',
  co2Field: 'co2_grams',
  savedField: 'saved_joules',
  topN: 10,
  showEquivalents: true,
  carEnabled: true,
  carGramsPerKm: 170,
  kettleEnabled: true,
  kettleKwhPerBoil: 0.11,
  phoneEnabled: true,
  phoneKwhPerCharge: 0.019,
  treeEnabled: true,
  treeKgPerYear: 6,
};

/**
 * Options with every missing, empty or wrongly typed value replaced by its default: a host may pass
 * partial options (the portal's overrides), and an emptied text box must not break the field lookup.
 */
export function withDefaults(options: Partial<Co2Options> | undefined): Co2Options {
  const out: Co2Options = { ...DEFAULT_OPTIONS };
  if (options === undefined) {
    return out;
  }
  const target = out as unknown as Record<string, unknown>;
  for (const key of Object.keys(DEFAULT_OPTIONS) as Array<keyof Co2Options>) {
    const value: unknown = options[key];
    const fallback = DEFAULT_OPTIONS[key];
    if (typeof value !== typeof fallback) {
      continue;
    }
    if (typeof value === 'string' && value.trim() === '') {
      continue;
    }
    if (typeof value === 'number' && !Number.isFinite(value)) {
      continue;
    }
    target[key] = typeof value === 'string' ? value.trim() : value;
  }
  return out;
}
