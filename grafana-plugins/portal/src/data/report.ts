// A finished job's report (ctld's GET /api/v1/reports/:id, see collectors/ctld/src/reports/types.ts)
// as a few readable lines for the portal: what a user wants to see first, the JSON behind a toggle.
import { list, num, obj, str } from './json';

/** One line of a report's summary. */
export interface ReportLine {
  readonly label: string;
  readonly value: string;
}

/** "2 h 05 min", "3 min 20 s", "45 s"; "unknown" for no figure. Pure. */
export function durationText(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) {
    return 'unknown';
  }
  const s = Math.round(seconds);
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const pad = (n: number) => String(n).padStart(2, '0');
  if (d > 0) {
    return `${d} d ${h} h ${pad(m)} min`;
  }
  if (h > 0) {
    return `${h} h ${pad(m)} min`;
  }
  return m > 0 ? `${m} min ${pad(s % 60)} s` : `${s} s`;
}

/** Bytes in binary units ("3.2 GiB"). Pure. */
export function bytesText(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) {
    return 'unknown';
  }
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

/** Grams of CO2e as g / kg / t. Pure. */
function co2Text(g: number): string {
  if (g >= 1e6) {
    return `${(g / 1e6).toFixed(2)} t CO2e`;
  }
  return g >= 1000 ? `${(g / 1000).toFixed(2)} kg CO2e` : `${g.toFixed(g < 10 ? 1 : 0)} g CO2e`;
}

/** The energy in kWh: the report's `energy.kwh`, else its joules. */
function kwhOf(r: Readonly<Record<string, unknown>>): number {
  const kwh = num(obj(r.energy).kwh);
  return Number.isFinite(kwh) ? kwh : num(r.energy_joules) / 3.6e6;
}

/** The nodes: how many, and the first few names. */
function nodesText(nodes: readonly unknown[]): string {
  const names = nodes.map(str).filter((n) => n !== '');
  if (names.length === 0) {
    return 'unknown';
  }
  const shown = names.slice(0, 4).join(', ');
  return `${names.length} (${shown}${names.length > 4 ? `, … ${names.length - 4} more` : ''})`;
}

/**
 * The readable lines of a report: job, state, elapsed, nodes, CPU efficiency, memory peak,
 * energy (kWh), CO2e, findings' kinds; a figure the report lacks reads "not measured"/"unknown". Pure.
 */
export function reportSummary(json: unknown): ReportLine[] {
  const r = obj(json);
  const used = obj(r.used);
  const eff = num(used.cpu_efficiency);
  const kwh = kwhOf(r);
  const co2 = num(r.co2_grams);
  const exit = str(r.exit_code);
  const kinds = [
    ...new Set(
      list(r.findings)
        .map((f) => str(obj(f).kind))
        .filter((k) => k !== ''),
    ),
  ];
  return [
    { label: 'job', value: str(r.display_id) || str(r.jobid) || 'unknown' },
    { label: 'state', value: `${str(r.state) || 'unknown'}${exit ? ` (exit ${exit})` : ''}` },
    { label: 'elapsed', value: durationText(num(r.elapsed_seconds)) },
    { label: 'nodes', value: nodesText(list(r.nodes)) },
    { label: 'CPU efficiency', value: Number.isFinite(eff) ? `${Math.round(eff * 100)} %` : 'unknown' },
    { label: 'memory peak', value: bytesText(num(used.memory_peak_bytes)) },
    { label: 'energy', value: Number.isFinite(kwh) ? `${kwh.toFixed(kwh < 10 ? 2 : 1)} kWh` : 'not measured' },
    { label: 'CO2e', value: Number.isFinite(co2) ? co2Text(co2) : 'not measured' },
    { label: 'findings', value: kinds.length > 0 ? kinds.join(', ') : 'none' },
  ];
}
