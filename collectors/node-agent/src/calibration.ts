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
  const measureWatts = async (durationMs: number): Promise<number> => {
    const before = new Map<string, CounterState>();
    for (const z of readRapl(energyZones).zones)
      before.set(z.id, advanceCounter(undefined, z.energyUj, limits(z), undefined).state);
    const t0 = performance.now();
    await delay(durationMs);
    let uj = 0;
    const seconds = (performance.now() - t0) / 1000;
    for (const z of readRapl(energyZones).zones)
      uj += advanceCounter(before.get(z.id), z.energyUj, limits(z), seconds).delta;
    return uj / 1e6 / seconds;
  };
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
