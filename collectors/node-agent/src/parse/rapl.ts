/**
 * Pure helpers for RAPL (powercap) energy counters: zone kinds and a wrap-safe monotonic total.
 * Kernel: Documentation/power/powercap/powercap.rst; `energy_uj` counts up to
 * `max_energy_range_uj` and then restarts from 0.
 */

/** What a RAPL zone measures, from its `name` file. */
export type RaplKind = 'package' | 'dram' | 'core' | 'uncore' | 'psys' | 'other';

/**
 * A package zone: "package-N", or "package-N-die-M" on CPUs with several dies per package (Cascade
 * Lake-AP): drivers/powercap/intel_rapl_common.c names each die's zone so when the package has more
 * than one die. A die zone is package energy like any other: the node's package sum adds every die.
 */
const PACKAGE_NAME = /^package-\d+(?:-die-\d+)?$/;
const HEX = /^[0-9a-f]+$/;

/** Classifies a zone by its `name` ("package-0", "package-0-die-1", "dram", "core", "uncore", "psys"). */
export function raplKind(name: string): RaplKind {
  if (PACKAGE_NAME.test(name)) return 'package';
  if (name === 'dram' || name === 'core' || name === 'uncore' || name === 'psys') return name;
  return 'other';
}

/**
 * A powercap zone folder name: the control type, then one id per level. The kernel writes each id
 * in hexadecimal (`dev_set_name(..., "%s:%x", ...)`, drivers/powercap/powercap_sys.c): the eleventh
 * package is `intel-rapl:a` and its first subzone `intel-rapl:a:0`.
 */
export const RAPL_ZONE_NAME = /^intel-rapl:[0-9a-f]+(?::[0-9a-f]+)*$/;

/**
 * Orders powercap zone folder names ("intel-rapl:0", "intel-rapl:0:1", "intel-rapl:a", "intel-rapl:10")
 * by their hexadecimal ids, so that zone a (10) comes after zone 9 and zone 10 (16) after zone f.
 * A plain comparison rather than `localeCompare` with `numeric`: that loads ICU's collation data,
 * ~4 MB resident for the life of the agent (and would not read hex anyway).
 */
export function compareZoneNames(a: string, b: string): number {
  const x = a.split(':');
  const y = b.split(':');
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const [px, py] = [x[i]!, y[i]!];
    if (px === py) continue;
    if (HEX.test(px) && HEX.test(py)) return Number.parseInt(px, 16) - Number.parseInt(py, 16);
    return px < py ? -1 : 1;
  }
  return x.length - y.length;
}

/**
 * One counter's persisted state: the last raw reading and the accumulated monotonic total, both in
 * the counter's own unit (µJ for RAPL). Plain numbers, so it survives JSON round trips.
 */
export interface CounterState {
  readonly raw: number;
  readonly total: number;
}

/** The result of one step of a monotonic counter. */
export interface CounterStep {
  readonly state: CounterState;
  /** Increase since the previous reading (0 on the first reading and on a reset). */
  readonly delta: number;
  /** True when the raw counter went backwards and was taken as a wrap-around. */
  readonly wrapped: boolean;
  /**
   * True when the raw counter went backwards by an amount no wrap can explain (see
   * `advanceCounter`): nothing was added, and the caller counts it as an error.
   */
  readonly reset: boolean;
}

/** What bounds a counter: where it wraps, and the fastest it can plausibly grow. */
export interface CounterLimits {
  /** The counter restarts from 0 after this value (RAPL: `max_energy_range_uj`). */
  readonly maxRange: number;
  /** The highest plausible rate, in counter units per second (RAPL: µJ/s = µW). */
  readonly maxRate: number;
}

/**
 * Advances a monotonic total by a new raw reading of a counter that wraps at `limits.maxRange`,
 * `seconds` after the previous reading (undefined when there is no usable interval).
 * Without previous state the total starts at the raw value (so it equals the kernel counter until
 * its first wrap, as node_exporter shows it). A raw value below the previous one is a wrap only
 * when the energy a wrap implies (maxRange − previous + raw) is plausible over the interval, i.e.
 * at most `maxRate × seconds`. Otherwise the counter was reset (a firmware or driver reload, a
 * value read mid-update, a glitch): a step back of 500 µJ taken as a wrap would add a whole range
 * (262 kJ for a package) to the node and its jobs. A reset adds nothing and continues from the
 * new raw value. A counter reset by a reboot is handled by the caller, which drops the state when
 * the boot id changes (see `readBootId`).
 *
 * That test only tells a wrap from a reset while the interval is at most `maxRange / maxRate`
 * (262 s for a package at the default 1 kW ceiling): beyond it `maxRate × seconds` exceeds a whole
 * range, so every step back would pass (10 minutes of agent downtime, state restored from disk, a
 * 500 µJ step back under a 500 W ceiling: +262 kJ), and the counter may as well have wrapped twice.
 * Over such an interval a step back is therefore never a wrap: it is taken as a reset, at the cost
 * of losing the energy of a genuine wrap while nobody was sampling. A step forward over such an
 * interval is taken at face value (a wrap in between cannot be seen; there is nothing to tell).
 */
export function advanceCounter(
  prev: CounterState | undefined,
  raw: number,
  limits: CounterLimits,
  seconds: number | undefined,
): CounterStep {
  if (prev === undefined) return { state: { raw, total: raw }, delta: 0, wrapped: false, reset: false };
  if (raw >= prev.raw) {
    const delta = raw - prev.raw;
    return { state: { raw, total: prev.total + delta }, delta, wrapped: false, reset: false };
  }
  const delta = Math.max(0, limits.maxRange - prev.raw) + raw;
  if (wrapDecidable(limits, seconds) && delta <= limits.maxRate * seconds) {
    return { state: { raw, total: prev.total + delta }, delta, wrapped: true, reset: false };
  }
  return { state: { raw, total: prev.total }, delta: 0, wrapped: false, reset: true };
}

/**
 * True when a step back over `seconds` can be judged (see `advanceCounter`): a positive interval
 * no longer than `maxRange / maxRate`, within which the counter can wrap at most once.
 */
export function wrapDecidable(limits: CounterLimits, seconds: number | undefined): seconds is number {
  return seconds !== undefined && seconds > 0 && seconds * limits.maxRate <= limits.maxRange;
}
