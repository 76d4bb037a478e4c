import { formattedValueToString, getValueFormat } from '@grafana/data';

/** A value in a Grafana unit as text ("12.3 kWh", "4.56 kg"), by Grafana's own value formatters. */
export function formatUnit(value: number, unit: string, decimals?: number): string {
  return formattedValueToString(getValueFormat(unit)(value, decimals));
}

/** Percent of 0..1 as "35 %" (whole numbers; below 1 % one decimal). */
export function percent(ratio: number): string {
  const p = ratio * 100;
  return `${p !== 0 && Math.abs(p) < 1 ? p.toFixed(1) : Math.round(p)} %`;
}
