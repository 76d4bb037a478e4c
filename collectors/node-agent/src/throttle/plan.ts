import type { CoreFreq, CpufreqFile } from './cpufreq.js';
import type { CoreOriginal } from './state.js';

/** How a core is throttled: lower `scaling_max_freq` to the floor, or switch the governor to powersave. */
export type ThrottleMethod = 'max_freq' | 'governor';

/** The writes that throttle one core and the original values that undo them. */
export type ThrottlePlan =
  | {
      readonly ok: true;
      readonly original: CoreOriginal;
      readonly writes: ReadonlyArray<readonly [CpufreqFile, string]>;
    }
  | { readonly ok: false; readonly reason: string };

/**
 * Plans the throttling of one core from its current policy (pure). `max_freq`: the floor is
 * `floorKHz` or the core's `cpuinfo_min_freq`; a floor above `cpuinfo_max_freq` is refused;
 * `scaling_min_freq` is lowered first when it is above the floor (older kernels refuse a
 * maximum below the minimum). `governor`: `powersave` must be available. Note that with
 * intel_pstate or amd-pstate in active mode, `powersave` is a dynamic policy (the hardware
 * still boosts under load), not the floor. A core already at the target needs no write.
 */
export function planThrottle(info: CoreFreq, method: ThrottleMethod, floorKHz?: number): ThrottlePlan {
  if (method === 'governor') {
    if (!info.governors.includes('powersave')) {
      return { ok: false, reason: `no powersave governor (available: ${info.governors.join(' ')})` };
    }
    if (info.governor === 'powersave') return { ok: true, original: {}, writes: [] };
    return { ok: true, original: { governor: info.governor }, writes: [['scaling_governor', 'powersave']] };
  }
  const floor = floorKHz ?? info.hwMinKHz;
  if (floor > info.hwMaxKHz) {
    return {
      ok: false,
      reason: `floor ${floor} kHz is above the core's maximum ${info.hwMaxKHz} kHz (cpuinfo_max_freq)`,
    };
  }
  const writes: Array<readonly [CpufreqFile, string]> = [];
  const original: { maxKHz?: number; minKHz?: number } = {};
  if (info.minKHz > floor) {
    original.minKHz = info.minKHz;
    writes.push(['scaling_min_freq', String(floor)]);
  }
  if (info.maxKHz > floor) {
    original.maxKHz = info.maxKHz;
    writes.push(['scaling_max_freq', String(floor)]);
  }
  return { ok: true, original, writes };
}
