import { renameSync } from 'node:fs';
import { errorMessage, ParseError } from '@slurmscope/common';
import type { Logger } from '@slurmscope/model';
import { isVanished, readCoreFreq, writeCpufreq, type CpufreqFile } from './cpufreq.js';
import { planThrottle, type ThrottleMethod } from './plan.js';
import {
  emptyThrottleState,
  loadThrottleState,
  restoreCore,
  saveThrottleState,
  type CoreOriginal,
  type ThrottleState,
} from './state.js';

/** Options of the core writer. */
export interface CoreWriterOptions {
  readonly root: string;
  readonly method: ThrottleMethod;
  readonly floorKHz?: number;
  readonly stateFile: string;
  readonly log: Logger;
}

/**
 * The only code that writes cpufreq files for the agent: throttles and restores cores, keeping
 * each core's original values in the state file BEFORE its first write, and counting errors.
 * It decides nothing: the Throttler tells it which cores.
 */
export class CoreWriter {
  state: ThrottleState = emptyThrottleState();
  /** CPUs lowered now. */
  readonly throttled = new Set<number>();
  /** CPUs never throttled again by this process: refused (floor above max, …) or failed. */
  readonly refused = new Set<number>();
  /** Set when a core vanished (offlined, driver gone): the caller re-reads the topology. */
  vanished = false;

  constructor(private readonly opts: CoreWriterOptions) {}

  /** Loads the state file (a corrupt one is moved aside, `.corrupt-<ms>`) and returns the CPUs it lists. */
  load(): number[] {
    try {
      this.state = loadThrottleState(this.opts.stateFile) ?? emptyThrottleState();
    } catch (err) {
      const aside = `${this.opts.stateFile}.corrupt-${Date.now()}`;
      if (err instanceof ParseError) renameSync(this.opts.stateFile, aside);
      this.state = emptyThrottleState();
      this.error(
        { file: this.opts.stateFile, movedTo: aside, err: errorMessage(err) },
        'throttle state unusable; original values unknown',
      );
    }
    const cpus = Object.keys(this.state.cores).map(Number);
    for (const c of cpus) this.throttled.add(c);
    return cpus;
  }

  /** Every CPU that may be throttled: lowered now, or listed in the state file. */
  changed(): number[] {
    return [...new Set([...this.throttled, ...Object.keys(this.state.cores).map(Number)])];
  }

  /** Logs an error and counts it in the errors total. */
  error(fields: object, msg: string): void {
    this.state.totals.errors++;
    this.opts.log.error(fields, msg);
  }

  /** Throttles `cpus`: plans each, persists the originals, then writes /sys. */
  throttle(cpus: readonly number[]): void {
    const plans = [];
    for (const cpu of cpus) {
      try {
        const plan = planThrottle(readCoreFreq(this.opts.root, cpu), this.opts.method, this.opts.floorKHz);
        if (plan.ok) plans.push({ cpu, ...plan });
        else {
          this.refused.add(cpu);
          this.error({ cpu, reason: plan.reason }, 'core not throttled');
        }
      } catch (err) {
        this.failed(cpu, err, 'cannot read cpufreq; core not throttled');
      }
    }
    if (plans.length === 0) return;
    // An entry kept from before (a core that could not be restored) holds the true originals.
    const added = plans.filter((p) => !(String(p.cpu) in this.state.cores));
    for (const p of added) this.state.cores[String(p.cpu)] = p.original;
    if (!this.persist()) {
      for (const p of added) delete this.state.cores[String(p.cpu)];
      return;
    }
    const done: number[] = [];
    for (const p of plans) {
      const written: CpufreqFile[] = [];
      try {
        for (const [file, value] of p.writes) {
          writeCpufreq(this.opts.root, p.cpu, file, value);
          written.push(file);
        }
        this.throttled.add(p.cpu);
        done.push(p.cpu);
      } catch (err) {
        this.failed(p.cpu, err, 'cannot throttle core');
        this.undo(p.cpu, p.original, written);
      }
    }
    this.persist();
    if (done.length > 0) this.opts.log.info({ cpus: done, method: this.opts.method }, 'cores throttled');
  }

  /** Restores `cpus` to their original values; a failed core stays listed in the state for a later try. */
  restore(cpus: readonly number[]): { restored: number[]; failed: number[] } {
    const restored: number[] = [];
    const failed: number[] = [];
    for (const cpu of cpus) {
      const orig = this.state.cores[String(cpu)];
      try {
        if (orig !== undefined) restoreCore(this.opts.root, cpu, orig);
        delete this.state.cores[String(cpu)];
        this.throttled.delete(cpu);
        restored.push(cpu);
      } catch (err) {
        failed.push(cpu);
        this.failed(cpu, err, 'cannot restore core');
        // A vanished core cannot be written now; its originals stay in the state file.
        if (isVanished(err)) this.throttled.delete(cpu);
      }
    }
    if (restored.length > 0 || failed.length > 0) this.persist();
    if (restored.length > 0) this.opts.log.debug({ cpus: restored }, 'cores restored');
    return { restored, failed };
  }

  /** Puts back what a half-done throttle wrote; a core that cannot be undone stays throttled (retried). */
  private undo(cpu: number, original: CoreOriginal, written: readonly CpufreqFile[]): void {
    const partial: CoreOriginal = {
      ...(written.includes('scaling_max_freq') ? { maxKHz: original.maxKHz } : {}),
      ...(written.includes('scaling_min_freq') ? { minKHz: original.minKHz } : {}),
      ...(written.includes('scaling_governor') ? { governor: original.governor } : {}),
    };
    try {
      restoreCore(this.opts.root, cpu, partial);
      delete this.state.cores[String(cpu)];
    } catch (err) {
      this.throttled.add(cpu);
      this.error({ cpu, err: errorMessage(err) }, 'cannot undo a partly throttled core; retried next cycle');
    }
  }

  private failed(cpu: number, err: unknown, msg: string): void {
    this.error({ cpu, err: errorMessage(err) }, msg);
    this.refused.add(cpu);
    if (isVanished(err)) this.vanished = true;
  }

  private persist(): boolean {
    try {
      saveThrottleState(this.opts.stateFile, this.state);
      return true;
    } catch (err) {
      this.error(
        { file: this.opts.stateFile, err: errorMessage(err) },
        'cannot write the throttle state; not throttling',
      );
      return false;
    }
  }
}
