import { formatUnit } from '../../../common/src/format';

/** A value ready for one of Grafana's value formatters: the unit id, the value in that unit, the decimals. */
export interface ScaledValue {
  /** A Grafana unit id (`kwatth`, `mwatth`, `massg`, `masskg`, `masst`). */
  readonly unit: string;
  /** The value in that unit. */
  readonly value: number;
  /** Decimals to show: 1 below 10, none from 10 on (of the number as displayed). */
  readonly decimals: number;
}

/** Joules in one kilowatt-hour. */
export const JOULES_PER_KWH = 3.6e6;

const STEP = 1000;

/** Decimals for a number as displayed: "1.2", "12", "480", "0" (one decimal below 10 but for 0, none above). */
function decimalsFor(shown: number): number {
  return shown !== 0 && Math.abs(shown) < 9.95 ? 1 : 0;
}

/**
 * The SI step of x (-1 milli, 0 base, 1 kilo, ...) and x scaled to that step, as Grafana's SI
 * formatters split it. A value that would round up to 1000 at its step ("1000 g") is moved to the
 * next step ("1.0 kg"), so the boundary reads the same whatever side of it the value lies.
 */
function siStep(x: number): { step: number; shown: number } {
  if (x === 0 || !Number.isFinite(x)) {
    return { step: 0, shown: x };
  }
  const step = Math.floor(Math.log10(Math.abs(x)) / 3);
  const shown = x / STEP ** step;
  const decimals = decimalsFor(shown);
  const rounded = Math.round(Math.abs(shown) * 10 ** decimals) / 10 ** decimals;
  return rounded >= STEP ? { step: step + 1, shown: Math.sign(x) } : { step, shown };
}

/**
 * Picks the unit for an energy in joules: kWh below 1000 kWh (Grafana shows Wh below 1 kWh),
 * MWh from 1000 kWh on (Grafana shows GWh from 1000 MWh on). Pure.
 */
export function energyUnit(joules: number): ScaledValue {
  const { step, shown } = siStep(joules / JOULES_PER_KWH);
  const decimals = decimalsFor(shown);
  // value = shown x 1000^(step - the unit's own step), so Grafana's SI formatter finds `shown` again
  if (step <= 0) {
    return { unit: 'kwatth', value: shown * STEP ** step, decimals };
  }
  return { unit: 'mwatth', value: shown * STEP ** (step - 1), decimals };
}

/**
 * Picks the unit for a mass of CO2e in grams: g below 1 kg (mg below 1 g, as Grafana shows them),
 * kg below 1 t, tonnes from 1 t on (never Grafana's "Mg"). Pure.
 */
export function massUnit(grams: number): ScaledValue {
  const { step, shown } = siStep(grams);
  if (step <= 0) {
    return { unit: 'massg', value: shown * STEP ** step, decimals: decimalsFor(shown) };
  }
  if (step === 1) {
    return { unit: 'masskg', value: shown, decimals: decimalsFor(shown) };
  }
  // Grafana's tonnes do not scale further: 1234.5 t stays "1235 t"
  const tonnes = shown * STEP ** (step - 2);
  return { unit: 'masst', value: tonnes, decimals: decimalsFor(tonnes) };
}

/** An energy in joules as text: "1.2 kWh", "350 Wh", "3.4 MWh". Pure. */
export function formatEnergy(joules: number): string {
  const s = energyUnit(joules);
  return formatUnit(s.value, s.unit, s.decimals);
}

/** A mass of CO2e in grams as text: "480 g", "4.8 kg", "12 t" (without "CO2e"). Pure. */
export function formatMass(grams: number): string {
  const s = massUnit(grams);
  return formatUnit(s.value, s.unit, s.decimals);
}

/** A count of everyday things: "0.8", "28", "1,234" (one decimal below 10, thousands grouped). Pure. */
export function formatCount(n: number): string {
  const decimals = decimalsFor(n);
  const rounded = Math.round(n * 10 ** decimals) / 10 ** decimals;
  return rounded.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

/** A share 0..1 as "12 %" (below 1 %: one decimal, "0.4 %"). Pure. */
export function formatShare(ratio: number): string {
  const p = ratio * 100;
  if (p !== 0 && Math.abs(p) < 1) {
    return `${p.toFixed(1)} %`;
  }
  return `${Math.round(p)} %`;
}
