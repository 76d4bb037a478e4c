import { errorMessage } from '@slurmscope/common';
import type { Logger } from '@slurmscope/model';
import { readSiblings } from './cpufreq.js';
import { loadThrottleState, restoreCore } from './state.js';

/** Options of a restore from the state file without the agent (the prolog hook's fallback). */
export interface StateRestoreOptions {
  readonly root: string;
  readonly stateFile: string;
  /** The job's CPUs (their hyper-thread siblings are restored too); absent = every core in the state. */
  readonly cpus?: readonly number[];
  readonly log: Logger;
}

/**
 * Writes the original values from the throttler's state file back to /sys for the given CPUs
 * (all when unknown), without the agent. The state file is left as it is: the agent, when it
 * runs again, restores from it too (idempotent), and a hung agent must not find it changed.
 */
export function restoreFromStateFile(opts: StateRestoreOptions): { restored: number[]; failed: number[] } {
  const restored: number[] = [];
  const failed: number[] = [];
  let state;
  try {
    state = loadThrottleState(opts.stateFile);
  } catch (err) {
    opts.log.error({ file: opts.stateFile, err: errorMessage(err) }, 'throttle state unreadable; no core restored');
    return { restored, failed };
  }
  if (state === undefined) {
    opts.log.debug({ file: opts.stateFile }, 'no throttle state: nothing was throttled');
    return { restored, failed };
  }
  const inState = Object.keys(state.cores).map(Number);
  const wanted = opts.cpus === undefined || opts.cpus.length === 0 ? new Set(inState) : withSiblings(opts);
  for (const cpu of inState) {
    const orig = state.cores[String(cpu)];
    if (!wanted.has(cpu) || orig === undefined) continue;
    try {
      restoreCore(opts.root, cpu, orig);
      restored.push(cpu);
    } catch (err) {
      failed.push(cpu);
      opts.log.error({ cpu, err: errorMessage(err) }, 'cannot restore core');
    }
  }
  return { restored, failed };
}

function withSiblings(opts: StateRestoreOptions): Set<number> {
  const out = new Set<number>(opts.cpus);
  for (const cpu of opts.cpus ?? []) {
    try {
      for (const s of readSiblings(opts.root, cpu)) out.add(s);
    } catch (err) {
      // Without the sibling list the CPU itself is still restored; its siblings may stay slow.
      opts.log.warn({ cpu, err: errorMessage(err) }, 'cannot read hyper-thread siblings');
    }
  }
  return out;
}
