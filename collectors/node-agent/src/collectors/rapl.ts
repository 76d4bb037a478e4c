import { existsSync, realpathSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ParseError } from '@slurmscope/common';
import { parseInteger } from '../parse/cgroup.js';
import { compareZoneNames, RAPL_ZONE_NAME, raplKind, type RaplKind } from '../parse/rapl.js';
import { listDir, readOptional, readText } from './fs.js';

/**
 * RAPL energy counters from the powercap class (kernel Documentation/power/powercap/powercap.rst).
 * `sys/class/powercap` lists every zone as a link: packages (`intel-rapl:0`) and their subzones
 * (`intel-rapl:0:0`) alike, all pointing into `sys/devices/virtual/powercap/intel-rapl/…`, where a
 * subzone is a folder inside its package. Zones are resolved and counted once. `intel-rapl-mmio:*`
 * repeats the package counter through MMIO on some CPUs and is skipped. AMD (kernel ≥ 5.8) uses the
 * same `intel-rapl` names but has no dram zone. No powercap folder: no zones, not an error.
 * Zone ids are hexadecimal (`intel-rapl:a` is the eleventh); multi-die packages are named
 * `package-N-die-M` (see parse/rapl.ts). A zone whose name is none of the known kinds is still read
 * and exported, counted in no sum, and reported once at discovery as an error; an `intel-rapl:`
 * entry whose ids do not parse is an error too: nothing is dropped without a word.
 */

/** A RAPL zone's fixed facts (they do not change while the machine runs). */
export interface RaplZoneInfo {
  /** The zone's folder name, e.g. "intel-rapl:0:1". */
  readonly id: string;
  /** The label: the `name` file, a subzone as "parent/child" (e.g. "package-0/dram"). */
  readonly name: string;
  readonly kind: RaplKind;
  /** Resolved folder of the zone. */
  readonly path: string;
  /** `max_energy_range_uj`: the counter wraps to 0 after this many µJ. */
  readonly maxEnergyRangeUj: number;
  /** The most power the zone can plausibly draw, in µW: a counter step back is a wrap only below it (`raplPowerCeilingUw`). */
  readonly maxPowerUw: number;
  /** True when the zone's folder holds a `SIMULATED` file: the demo's stand-in (test/src/demo/rapl-sim.ts), not hardware. */
  readonly simulated: boolean;
}

/** One reading of a zone. */
export interface RaplZone extends RaplZoneInfo {
  /** Raw `energy_uj` (wraps; feed it to `advanceCounter` with `maxEnergyRangeUj`). */
  readonly energyUj: number;
}

/** Zones read, and the zones that failed (each with the path in its message). */
export interface RaplReadings {
  readonly zones: RaplZone[];
  readonly errors: Error[];
}

const RAPL_PREFIX = 'intel-rapl:';
/** The file that marks a zone folder as simulated (the kernel never writes one). */
export const SIMULATED_MARKER = 'SIMULATED';

/** Finds every RAPL zone under `root` once (run at start; the set is fixed while the machine runs). */
export function discoverRapl(root: string): { zones: RaplZoneInfo[]; errors: Error[] } {
  const classDir = join(root, 'sys/class/powercap');
  const zones: RaplZoneInfo[] = [];
  const errors: Error[] = [];
  const seen = new Set<string>();
  const entries = (listDir(classDir) ?? []).filter((e) => e.name.startsWith(RAPL_PREFIX));
  entries.sort((a, b) => compareZoneNames(a.name, b.name));
  for (const e of entries) {
    try {
      if (!RAPL_ZONE_NAME.test(e.name)) throw new ParseError(join(classDir, e.name), 'not a RAPL zone name', e.name);
      const path = realpathSync(join(classDir, e.name));
      if (seen.has(path)) continue;
      seen.add(path);
      const zone = zoneInfo(path);
      zones.push(zone);
      if (zone.kind === 'other') {
        errors.push(new ParseError(join(path, 'name'), 'unknown RAPL zone kind: exported, added to no sum', zone.name));
      }
    } catch (err) {
      errors.push(err instanceof Error ? err : new Error(String(err)));
    }
  }
  return { zones, errors };
}

function readName(dir: string): string {
  const path = join(dir, 'name');
  const name = readText(path).trim();
  if (name === '') throw new ParseError(path, 'empty zone name');
  return name;
}

function zoneInfo(path: string): RaplZoneInfo {
  const own = readName(path);
  const parentDir = dirname(path);
  // A subzone's folder sits in its package's folder (intel-rapl:0/intel-rapl:0:0).
  const isSub = RAPL_ZONE_NAME.test(basename(parentDir));
  const maxPath = join(path, 'max_energy_range_uj');
  const maxEnergyRangeUj = parseInteger(readText(maxPath), maxPath);
  if (maxEnergyRangeUj <= 0) throw new ParseError(maxPath, 'range must be positive', String(maxEnergyRangeUj));
  return {
    id: basename(path),
    name: isSub ? `${readName(parentDir)}/${own}` : own,
    kind: raplKind(own),
    path,
    maxEnergyRangeUj,
    maxPowerUw: raplPowerCeilingUw(path),
    simulated: existsSync(join(path, SIMULATED_MARKER)),
  };
}

/** Power ceiling of a zone that states no maximum power: 1 kW (µW). */
export const DEFAULT_RAPL_CEILING_UW = 1_000_000_000;
/** Margin over the zone's stated maximum power. */
const CEILING_FACTOR = 2;
const MAX_POWER_FILE = /^constraint_\d+_max_power_uw$/;

/**
 * The power above which a step back of the zone's counter cannot be a wrap (µW). The powercap
 * interface (kernel Documentation/power/powercap/powercap.rst) gives each constraint of a zone a
 * `constraint_X_max_power_uw`, "maximum allowed power in micro watts" (for RAPL the package's or
 * DRAM's maximum power from the hardware's power-info register). A zone that states one gets twice
 * the largest: bursts above the long-term limit (PL2 is ~1.2-1.25 x PL1) and timing skew of the
 * interval stay well inside, while a reset is still told from a wrap: a wrap implies a whole range
 * (262 kJ for a package) within one interval, 26 kW over 10 s. A zone without the file, or where it
 * reads 0 (common for DRAM and for AMD, which has no power limits), gets DEFAULT_RAPL_CEILING_UW:
 * above any single CPU package or DRAM zone sold today (the largest TDPs are ~500 W).
 */
export function raplPowerCeilingUw(zoneDir: string): number {
  let max = 0;
  for (const e of listDir(zoneDir) ?? []) {
    if (!MAX_POWER_FILE.test(e.name)) continue;
    const path = join(zoneDir, e.name);
    try {
      const text = readOptional(path);
      if (text !== undefined) max = Math.max(max, parseInteger(text, path));
    } catch (err) {
      // The kernel answers an error (e.g. ENODATA) where the hardware has no value, and this is only
      // a plausibility bound: such a zone keeps the default ceiling.
      if (!(err instanceof ParseError) && !(err instanceof Error && 'code' in err)) throw err;
    }
  }
  return max > 0 ? max * CEILING_FACTOR : DEFAULT_RAPL_CEILING_UW;
}

/** Reads the counters of known zones; a zone that fails is reported and the others go on. */
export function readRapl(zones: readonly RaplZoneInfo[]): RaplReadings {
  const out: RaplReadings = { zones: [], errors: [] };
  for (const z of zones) {
    const path = `${z.path}/energy_uj`; // z.path is resolved (realpath): no join needed every cycle
    try {
      const energyUj = parseInteger(readText(path), path);
      if (energyUj < 0 || energyUj > z.maxEnergyRangeUj) {
        throw new ParseError(path, `outside 0..max_energy_range_uj (${z.maxEnergyRangeUj})`, String(energyUj));
      }
      out.zones.push({ ...z, energyUj });
    } catch (err) {
      out.errors.push(err instanceof Error ? err : new Error(String(err)));
    }
  }
  return out;
}

/** Discovers and reads in one call (convenience for `--once`; the daemon caches `discoverRapl`). */
export function readRaplZones(root: string): RaplReadings {
  const found = discoverRapl(root);
  const read = readRapl(found.zones);
  return { zones: read.zones, errors: [...found.errors, ...read.errors] };
}

/** The kernel's boot id (`proc/sys/kernel/random/boot_id`): a new value means counters restarted. */
export function readBootId(root: string): string | undefined {
  return readOptional(join(root, 'proc/sys/kernel/random/boot_id'))?.trim();
}

/** The error of a RAPL counter that stepped back by more than a wrap can explain, or over too long an interval to tell. */
export function raplResetError(zone: RaplZone, prevUj: number, seconds: number | undefined): Error {
  const went = `${zone.path}/energy_uj: went back from ${prevUj} to ${zone.energyUj} µJ`;
  const ceilingW = zone.maxPowerUw / 1e6;
  const tail = 'taken as a counter reset, no energy added';
  if (seconds === undefined || !(seconds > 0)) return new Error(`${went} with no interval to judge by; ${tail}`);
  const windowS = zone.maxEnergyRangeUj / zone.maxPowerUw;
  if (seconds > windowS) {
    return new Error(
      `${went} in ${seconds} s, longer than the ${Math.round(windowS)} s in which the counter ` +
        `(range ${zone.maxEnergyRangeUj} µJ) wraps at most once at the zone's ceiling of ${ceilingW} W: ` +
        `a wrap cannot be told from a reset; ${tail}`,
    );
  }
  const wrapW = (zone.maxEnergyRangeUj - prevUj + zone.energyUj) / 1e6 / seconds;
  return new Error(
    `${went} in ${seconds} s; a wrap would mean ${Math.round(wrapW)} W, over the zone's ceiling of ${ceilingW} W: ${tail}`,
  );
}
