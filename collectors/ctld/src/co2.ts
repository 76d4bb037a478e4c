import { ConfigError, readSecret, type CtldConfig } from '@slurmscope/common';
import type { Logger } from '@slurmscope/model';
import { intensityAt, readIntensityCsv, type IntensityPoint } from './co2/csv.js';
import { HttpIntensity, type Fetcher } from './co2/http.js';

export * from './co2/csv.js';
export * from './co2/http.js';

/** Where an intensity value came from. */
export type IntensitySourceKind = 'constant' | 'csv' | 'http';

/** The carbon intensity in force at one time, and how it was obtained. */
export interface IntensityReading {
  readonly gPerKwh: number;
  /** The configured source. */
  readonly source: IntensitySourceKind;
  /** True when the source had no value for this time and the fallback (last good, else constant) was used. */
  readonly fallback: boolean;
  readonly basis: 'direct' | 'lifecycle';
}

/** Gives the carbon intensity at a time, synchronously: slow sources refresh in the background. */
export interface IntensitySource {
  readonly kind: IntensitySourceKind;
  at(tMs: number): IntensityReading;
  /** Starts a background refresh where the source needs one; never blocks the poll. */
  refresh(nowMs: number): void;
}

const JOULES_PER_KWH = 3.6e6;

/** CO2e in grams of `joules` of IT energy: kWh × PUE × intensity (g/kWh). */
export function co2Grams(joules: number, pue: number, gPerKwh: number): number {
  return (joules / JOULES_PER_KWH) * pue * gPerKwh;
}

/** One interval of energy with the intensity in force then. */
export interface EnergyInterval {
  readonly joules: number;
  readonly gPerKwh: number;
}

/** co2e = Σ over intervals of energy_kWh × PUE × intensity at that time. */
export function co2OfIntervals(intervals: readonly EnergyInterval[], pue: number): number {
  let g = 0;
  for (const i of intervals) g += co2Grams(i.joules, pue, i.gPerKwh);
  return g;
}

/** Energy an admin adds per node for power RAPL and GPUs do not see: watts × seconds. */
export function overheadJoules(wattsPerNode: number, nodes: number, seconds: number): number {
  return wattsPerNode * nodes * Math.max(0, seconds);
}

/** The sentence printed next to every CO2 figure. */
export function co2MethodNote(
  r: Pick<IntensityReading, 'basis' | 'source'>,
  fallbackUsed: boolean,
  overheadWatts: number,
): string {
  const overhead =
    overheadWatts > 0
      ? `; an admin-set overhead of ${overheadWatts} W per node is added for them`
      : '; no per-node overhead is configured';
  return (
    `RAPL + GPU energy leaves out power supplies, fans, network and disks${overhead}; ` +
    `intensity basis: ${r.basis}; source: ${r.source} (fallback used: ${fallbackUsed ? 'yes' : 'no'})`
  );
}

/** The fixed intensity from config. */
export function constantIntensity(gPerKwh: number, basis: 'direct' | 'lifecycle'): IntensitySource {
  return {
    kind: 'constant',
    at: () => ({ gPerKwh, source: 'constant', fallback: false, basis }),
    refresh: () => undefined,
  };
}

/** A CSV time series; before its first row (or beyond a gap) the constant is used and flagged. */
export function seriesIntensity(
  series: readonly IntensityPoint[],
  fallbackGPerKwh: number,
  basis: 'direct' | 'lifecycle',
): IntensitySource {
  return {
    kind: 'csv',
    at: (tMs) => {
      const g = intensityAt(series, tMs);
      return g === undefined
        ? { gPerKwh: fallbackGPerKwh, source: 'csv', fallback: true, basis }
        : { gPerKwh: g, source: 'csv', fallback: false, basis };
    },
    refresh: () => undefined,
  };
}

/** An Electricity Maps-shaped API: the cached value while fresh, else the last good one, else the constant. */
export function httpIntensity(
  http: HttpIntensity,
  fallbackGPerKwh: number,
  basis: 'direct' | 'lifecycle',
): IntensitySource {
  return {
    kind: 'http',
    at: (tMs) => {
      const l = http.latest;
      if (l === undefined) return { gPerKwh: fallbackGPerKwh, source: 'http', fallback: true, basis };
      return {
        gPerKwh: l.carbonIntensity,
        source: 'http',
        fallback: !http.fresh(tMs),
        basis: l.emissionFactorType ?? basis,
      };
    },
    refresh: (nowMs) => {
      void http.refresh(nowMs);
    },
  };
}

/**
 * Builds the configured intensity source at start-up: a missing CSV file, a malformed row or
 * an http source without zone is a ConfigError now, not a surprise mid-run.
 */
export async function createIntensitySource(
  co2: CtldConfig['co2'],
  opts: { log: Logger; env?: NodeJS.ProcessEnv; fetch?: Fetcher; configFile?: string },
): Promise<IntensitySource> {
  const file = opts.configFile ?? '(config)';
  switch (co2.intensitySource) {
    case 'constant':
      return constantIntensity(co2.intensity, co2.basis);
    case 'csv': {
      if (co2.csvFile === undefined) throw new ConfigError(file, 'co2.csvFile', 'required with intensitySource csv');
      try {
        return seriesIntensity(await readIntensityCsv(co2.csvFile), co2.intensity, co2.basis);
      } catch (err) {
        throw new ConfigError(file, 'co2.csvFile', (err as Error).message);
      }
    }
    case 'http': {
      const zone = co2.http.zone;
      if (zone === undefined) throw new ConfigError(file, 'co2.http.zone', 'required with intensitySource http');
      const token = readSecret({
        file: co2.http.tokenFile,
        envVar: 'SLURMSCOPE_CO2_TOKEN',
        key: 'co2.http.tokenFile',
        ...(opts.env === undefined ? {} : { env: opts.env }),
      });
      const http = new HttpIntensity({
        url: co2.http.url,
        zone,
        cacheForMs: co2.http.cacheFor,
        timeoutMs: co2.http.timeout,
        log: opts.log,
        ...(token === undefined ? {} : { token }),
        ...(opts.fetch === undefined ? {} : { fetch: opts.fetch }),
      });
      return httpIntensity(http, co2.intensity, co2.basis);
    }
  }
}
