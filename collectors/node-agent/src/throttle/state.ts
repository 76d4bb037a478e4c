import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod/v3';
import { isNotFound, ParseError } from '@slurmscope/common';
import { writeCpufreq } from './cpufreq.js';

/**
 * The throttler's state file: the ORIGINAL values of every core it may have changed, written
 * atomically before the first write to /sys, so that a stop, a crash (SIGKILL) followed by a new
 * start, or a prolog hook while the agent is down can put each core back exactly as it was (a
 * site cap below the hardware maximum included). Only the attributes that were changed are kept.
 */
const original = z.strictObject({
  /** `scaling_max_freq` before it was lowered. */
  maxKHz: z.number().int().positive().optional(),
  /** `scaling_min_freq` before it was lowered (only when it was above the floor). */
  minKHz: z.number().int().positive().optional(),
  /** `scaling_governor` before it was switched. */
  governor: z.string().min(1).optional(),
});

const stateSchema = z.strictObject({
  version: z.literal(1),
  /** Cores possibly throttled, by CPU number: what to write back. */
  cores: z.record(z.string().regex(/^\d+$/), original),
  /** Counters kept across restarts (monotonic metrics). */
  totals: z.strictObject({
    coreSeconds: z.number().nonnegative(),
    energyJoules: z.number().nonnegative(),
    errors: z.number().int().nonnegative(),
  }),
});

/** The original values of one core's changed attributes. */
export type CoreOriginal = z.infer<typeof original>;
/** What the throttler persists. */
export type ThrottleState = z.infer<typeof stateSchema>;

/** The throttler's state file of `node` in the agent's state directory (shared by agent and hooks). */
export function throttleStatePath(stateDir: string, node: string): string {
  return join(stateDir, `throttle-${node}.json`);
}

/** A state with nothing throttled and zero totals. */
export function emptyThrottleState(): ThrottleState {
  return { version: 1, cores: {}, totals: { coreSeconds: 0, energyJoules: 0, errors: 0 } };
}

/** Parses the state file's text; throws ParseError naming `source`. */
export function parseThrottleState(text: string, source: string): ThrottleState {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ParseError(source, `not JSON (${(err as Error).message})`);
  }
  const parsed = stateSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ParseError(source, `not a throttle state: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`.trim());
  }
  return parsed.data;
}

/** Loads the state file; undefined when there is none. Throws ParseError when it is corrupt. */
export function loadThrottleState(file: string): ThrottleState | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
  return parseThrottleState(text, file);
}

/** Writes the state atomically (temporary file, fsync, rename), readable by root only. */
export function saveThrottleState(file: string, state: ThrottleState): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o755 });
  const tmp = `${file}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, JSON.stringify(state));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
}

/**
 * Writes a core's original values back: the maximum first, then the minimum (a minimum above the
 * current maximum is refused by older kernels), then the governor. Throws CpufreqError.
 */
export function restoreCore(root: string, cpu: number, orig: CoreOriginal): void {
  if (orig.maxKHz !== undefined) writeCpufreq(root, cpu, 'scaling_max_freq', orig.maxKHz);
  if (orig.minKHz !== undefined) writeCpufreq(root, cpu, 'scaling_min_freq', orig.minKHz);
  if (orig.governor !== undefined) writeCpufreq(root, cpu, 'scaling_governor', orig.governor);
}
