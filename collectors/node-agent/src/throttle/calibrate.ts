import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { z } from 'zod/v3';
import { errorMessage, isNotFound, ParseError } from '@slurmscope/common';
import type { Logger } from '@slurmscope/model';
import type { ThrottleMethod } from './plan.js';
import { Throttler } from './throttler.js';

/**
 * The calibration behind the energy-saved estimate (`slurmscope agent --calibrate`), run on an
 * idle, drained node with the agent stopped: average package power (RAPL) over `durationMs` at
 * full clock, then with every core throttled the way the agent throttles, then everything is
 * restored. The saving per logical CPU is (full − floor) / throttled CPUs; the agent multiplies
 * it by throttled core-seconds. It is an estimate of idle power only: what a throttled core
 * would have drawn at full clock while idle.
 */

const calibrationSchema = z.strictObject({
  version: z.literal(1),
  node: z.string(),
  method: z.enum(['max_freq', 'governor']),
  floorKHz: z.number().int().positive().optional(),
  /** Average package power at full clock, W. */
  fullWatts: z.number().nonnegative(),
  /** Average package power with the cores throttled, W. */
  floorWatts: z.number().nonnegative(),
  /** Logical CPUs throttled during the measurement. */
  cores: z.number().int().positive(),
  /** (fullWatts − floorWatts) / cores; may be ≤ 0 when the floor saves nothing measurable. */
  wattsPerCoreSaved: z.number(),
  durationMs: z.number().positive(),
  measuredAt: z.string(),
});

/** A node's calibration (`<stateDir>/calibration.json`). */
export type Calibration = z.infer<typeof calibrationSchema>;

/** Options of a calibration run. */
export interface CalibrationOptions {
  readonly root: string;
  readonly node: string;
  readonly method: ThrottleMethod;
  readonly floorKHz?: number;
  /** The throttler's state file: a crash mid-calibration is restored by the next agent start. */
  readonly stateFile: string;
  readonly log: Logger;
  /** Measures average package power (RAPL, all packages) over `durationMs`, in W. */
  readonly measureWatts: (durationMs: number) => Promise<number>;
  /** Length of each of the two measurements. */
  readonly durationMs: number;
  /** Wait after each change of clock before measuring; default 2 s. */
  readonly settleMs?: number;
  /** Jobs on the node now: the calibration refuses to run unless there are none. */
  readonly jobIds?: readonly string[];
  readonly sleep?: (ms: number) => Promise<void>;
}

/** Path of the calibration file in the agent's state directory. */
export function calibrationPath(stateDir: string): string {
  return join(stateDir, 'calibration.json');
}

/** Measures idle power at full clock and at the floor, restores every core, returns the result. */
export async function calibrate(opts: CalibrationOptions): Promise<Calibration> {
  if ((opts.jobIds?.length ?? 0) > 0)
    throw new Error(`node is not idle (jobs ${opts.jobIds?.join(', ')}): drain it first`);
  const sleep = opts.sleep ?? ((ms: number) => delay(ms));
  const settle = opts.settleMs ?? 2000;
  const t = new Throttler({
    root: opts.root,
    node: opts.node,
    mode: 'node',
    method: opts.method,
    graceMs: 0,
    ...(opts.floorKHz === undefined ? {} : { floorKHz: opts.floorKHz }),
    prologTimeoutMs: 0,
    stateFile: opts.stateFile,
    log: opts.log,
  });
  t.recoverFromState();
  try {
    await sleep(settle);
    const fullWatts = await opts.measureWatts(opts.durationMs);
    t.update({ heldCpus: new Set(), jobIds: [] });
    const cores = t.throttledCpus().length;
    if (cores === 0) throw new Error('no core could be throttled (no cpufreq, or every core refused: see the log)');
    await sleep(settle);
    const floorWatts = await opts.measureWatts(opts.durationMs);
    const result: Calibration = {
      version: 1,
      node: opts.node,
      method: opts.method,
      ...(opts.floorKHz === undefined ? {} : { floorKHz: opts.floorKHz }),
      fullWatts,
      floorWatts,
      cores,
      wattsPerCoreSaved: (fullWatts - floorWatts) / cores,
      durationMs: opts.durationMs,
      measuredAt: new Date().toISOString(),
    };
    if (result.wattsPerCoreSaved <= 0)
      opts.log.warn({ ...result }, 'the floor saved no measurable idle power: no energy estimate');
    return result;
  } finally {
    const { failed } = t.restoreAll();
    if (failed.length > 0)
      opts.log.error({ failed }, 'calibration could not restore every core; the next agent start retries');
  }
}

/** Parses a calibration file's text; throws ParseError naming `source`. */
export function parseCalibration(text: string, source: string): Calibration {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ParseError(source, `not JSON (${errorMessage(err)})`);
  }
  const parsed = calibrationSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ParseError(source, `not a calibration: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`.trim());
  }
  return parsed.data;
}

/** Loads a calibration; undefined when the node was never calibrated. Throws ParseError when corrupt. */
export function loadCalibration(file: string): Calibration | undefined {
  try {
    return parseCalibration(readFileSync(file, 'utf8'), file);
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/** Saves a calibration atomically (temporary file, fsync, rename). */
export function saveCalibration(file: string, c: Calibration): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o755 });
  const tmp = `${file}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w', 0o644);
  try {
    writeSync(fd, `${JSON.stringify(c, null, 2)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
}
