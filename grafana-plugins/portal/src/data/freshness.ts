import { num, obj, str } from './json';

/** How fresh one ctld answer is, read from the freshness keys ctld puts first in every JSON answer. */
export interface Freshness {
  /** When the answer's snapshot was taken, by the browser's clock (ms since epoch); NaN when unknown. */
  readonly updatedMs: number;
  /** ctld says the snapshot is stale (its last Slurm poll failed or is overdue). */
  readonly stale: boolean;
  /** Why ctld's last poll failed, when it says; "" otherwise. */
  readonly error: string;
}

/**
 * The freshness of an answer received at `receivedMs` (browser clock). The age ctld reports is
 * subtracted from the receive time, so a clock difference between ctld and the browser does not
 * matter; without an age, `snapshotMs` is taken as is. Pure.
 */
export function freshnessOf(json: unknown, receivedMs: number): Freshness {
  const o = obj(json);
  const age = num(o.snapshotAgeSeconds);
  const updatedMs = Number.isNaN(age) ? num(o.snapshotMs) : receivedMs - age * 1000;
  return { updatedMs, stale: o.stale === true, error: str(o.error) };
}

/** "updated 12 s ago" / "4 min" / "2 h"; "" when unknown. Pure. */
export function ageText(updatedMs: number, nowMs: number): string {
  if (!Number.isFinite(updatedMs)) {
    return '';
  }
  const s = Math.max(0, Math.round((nowMs - updatedMs) / 1000));
  if (s < 120) {
    return `updated ${s} s ago`;
  }
  if (s < 7200) {
    return `updated ${Math.round(s / 60)} min ago`;
  }
  return `updated ${Math.round(s / 3600)} h ago`;
}
