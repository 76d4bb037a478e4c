import { errorMessage, ParseError } from '@slurmscope/common';
import type { Logger } from '@slurmscope/model';

/** The fields slurmscope uses of Electricity Maps' `/v3/carbon-intensity/latest` answer. */
export interface ElectricityMapsLatest {
  readonly zone: string;
  /** gCO2e/kWh. */
  readonly carbonIntensity: number;
  /** The hour the value is for (ms since epoch). */
  readonly datetimeMs: number;
  readonly emissionFactorType?: 'lifecycle' | 'direct';
}

/**
 * Parses the JSON of `GET /v3/carbon-intensity/latest?zone=Z` in the Electricity Maps shape:
 * `{ zone, carbonIntensity, datetime, updatedAt, emissionFactorType, isEstimated, ... }`.
 */
export function parseElectricityMaps(text: string, source: string): ElectricityMapsLatest {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new ParseError(source, `invalid JSON (${errorMessage(err)})`, text);
  }
  if (typeof doc !== 'object' || doc === null) throw new ParseError(source, 'not a JSON object', text);
  const o = doc as Record<string, unknown>;
  const ci = o.carbonIntensity;
  if (typeof ci !== 'number' || !Number.isFinite(ci) || ci < 0) {
    throw new ParseError(source, 'carbonIntensity is not a non-negative number', text);
  }
  const datetimeMs = typeof o.datetime === 'string' ? Date.parse(o.datetime) : NaN;
  if (Number.isNaN(datetimeMs)) throw new ParseError(source, 'datetime missing or not a date', text);
  const eft = o.emissionFactorType;
  return {
    zone: typeof o.zone === 'string' ? o.zone : '',
    carbonIntensity: ci,
    datetimeMs,
    ...(eft === 'lifecycle' || eft === 'direct' ? { emissionFactorType: eft } : {}),
  };
}

/** Fetches over HTTP; `fetch` by default, a fake in tests. */
export type Fetcher = (
  url: string,
  init: { headers: Record<string, string>; signal: AbortSignal },
) => Promise<Response>;

/** Options of {@link HttpIntensity}. */
export interface HttpIntensityOptions {
  readonly url: string;
  readonly zone: string;
  readonly token?: string;
  readonly cacheForMs: number;
  readonly timeoutMs: number;
  readonly log: Logger;
  readonly fetch?: Fetcher;
}

/**
 * The latest intensity of one zone, fetched in the background: `refresh()` starts a request
 * when the cached value is older than `cacheForMs` and never blocks the caller; `latest` is the
 * last good value (undefined until one arrived).
 */
export class HttpIntensity {
  latest?: ElectricityMapsLatest & { readonly fetchedMs: number };
  /** Failed fetches so far. */
  errors = 0;
  private inFlight?: Promise<void>;
  private lastTryMs = -Infinity;

  constructor(private readonly opts: HttpIntensityOptions) {}

  /** True when the last good value is younger than `cacheForMs`. */
  fresh(nowMs: number): boolean {
    return this.latest !== undefined && nowMs - this.latest.fetchedMs < this.opts.cacheForMs;
  }

  /** Starts a fetch if the cache is stale and none is running; returns it (for tests to await). */
  refresh(nowMs = Date.now()): Promise<void> {
    if (this.inFlight) return this.inFlight;
    // After a failure wait one timeout before trying again, not every poll.
    if (this.fresh(nowMs) || nowMs - this.lastTryMs < this.opts.timeoutMs) return Promise.resolve();
    this.lastTryMs = nowMs;
    this.inFlight = this.fetchOnce(nowMs).finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private async fetchOnce(nowMs: number): Promise<void> {
    const url = `${this.opts.url.replace(/\/+$/, '')}/v3/carbon-intensity/latest?zone=${encodeURIComponent(this.opts.zone)}`;
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.opts.token !== undefined) headers['auth-token'] = this.opts.token;
    try {
      const res = await (this.opts.fetch ?? fetch)(url, { headers, signal: AbortSignal.timeout(this.opts.timeoutMs) });
      const text = await res.text();
      if (!res.ok) throw new Error(`HTTP ${res.status}: ${text.slice(0, 200)}`);
      this.latest = { ...parseElectricityMaps(text, url), fetchedMs: nowMs };
    } catch (err) {
      this.errors++;
      this.opts.log.warn({ url, err: errorMessage(err) }, 'carbon intensity fetch failed; using the last good value');
    }
  }
}
