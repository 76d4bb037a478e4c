import { setTimeout as delay } from 'node:timers/promises';
import type { AgentConfig } from '@slurmscope/common';
import type { Logger } from '@slurmscope/model';
import {
  advanceCounter,
  discoverJobs,
  discoverRapl,
  readRapl,
  type CounterLimits,
  type CounterState,
  type RaplZoneInfo,
} from './collectors/index.js';
import { calibrate, calibrationPath, saveCalibration, throttleStatePath, type Calibration } from './throttle/index.js';

const limits = (z: RaplZoneInfo): CounterLimits => ({ maxRange: z.maxEnergyRangeUj, maxRate: z.maxPowerUw });

/**
 * Longest step between two readings of a measurement: a step back of a counter is taken as a wrap
 * only within `maxRange / maxRate` (262 s for a package at the default 1 kW ceiling, see
 * `advanceCounter`), so a long measurement reads the counters at least this often.
 */
const STEP_MS = 10_000;

/** Options of `slurmscope agent --calibrate`. */
export interface CalibrateNodeOptions {
  readonly config: AgentConfig;
  readonly root: string;
  readonly node: string;
  readonly log: Logger;
  /** How long each of the two idle measurements lasts. */
  readonly durationMs: number;
}

/**
 * Measures the node's idle package+DRAM power at full clock and at the throttle floor (RAPL,
 * wrap-safe), restores the clocks, and saves the result to `<stateDir>/calibration.json`, from
 * which the agent estimates the energy that throttling saves. Refuses a node with jobs on it or
 * without RAPL. Run it on a drained node with the agent stopped.
 */
export async function calibrateNode(opts: CalibrateNodeOptions): Promise<Calibration> {
  const { config, root, node, log } = opts;
  const { zones, errors } = discoverRapl(root);
  const energyZones = zones.filter((z) => z.kind === 'package' || z.kind === 'dram');
  if (energyZones.length === 0) {
    throw new Error(
      `no RAPL package zone under ${root}sys/class/powercap${errors[0] ? ` (${errors[0].message})` : ''}: cannot calibrate`,
    );
  }
  const measureWatts = (durationMs: number): Promise<number> => measureRaplWatts(energyZones, durationMs);
  const result = await calibrate({
    root,
    node,
    method: config.throttle.method,
    ...(config.throttle.floorKHz === undefined ? {} : { floorKHz: config.throttle.floorKHz }),
    stateFile: throttleStatePath(config.stateDir, node),
    log,
    measureWatts,
    durationMs: opts.durationMs,
    jobIds: discoverJobs({ root, node }).jobs.map((j) => j.jobid),
  });
  const file = calibrationPath(config.stateDir);
  saveCalibration(file, result);
  log.info({ file, ...result }, 'calibration saved');
  return result;
}

/** Average power of `zones` over `durationMs` (W), reading the counters every STEP_MS so that wraps are counted. */
async function measureRaplWatts(zones: readonly RaplZoneInfo[], durationMs: number): Promise<number> {
  const counters = new Map<string, CounterState>();
  const read = (seconds: number | undefined): number => {
    let uj = 0;
    for (const z of readRapl(zones).zones) {
      const step = advanceCounter(counters.get(z.id), z.energyUj, limits(z), seconds);
      counters.set(z.id, step.state);
      uj += step.delta;
    }
    return uj;
  };
  read(undefined);
  const t0 = performance.now();
  let last = t0;
  let uj = 0;
  while (last - t0 < durationMs) {
    await delay(Math.min(STEP_MS, durationMs - (last - t0)));
    const now = performance.now();
    uj += read((now - last) / 1000);
    last = now;
  }
  return uj / 1e6 / ((last - t0) / 1000);
}
