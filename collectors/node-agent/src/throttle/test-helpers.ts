import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RecordingLogger } from '@slurmscope/model';
import { Throttler, type ThrottlerOptions } from './throttler.js';

/** The fixture tree: 8 CPUs (4 cores x 2 threads, siblings n and n+4), intel_pstate, a site cap of 3.0 GHz. */
export const FIXTURE_ROOT = fileURLToPath(new URL('../../testdata/throttle/root', import.meta.url));

/** A private copy of the fixture tree (tests mutate it) with a state file path beside it. */
export interface FixtureCopy {
  readonly dir: string;
  readonly root: string;
  readonly stateFile: string;
  cleanup(): void;
}

/** Copies the fixture tree to a temporary directory, keeping its relative symlinks. */
export function copyFixture(): FixtureCopy {
  const dir = mkdtempSync(join(tmpdir(), 'throttle-'));
  const root = join(dir, 'root');
  cpSync(FIXTURE_ROOT, root, { recursive: true, verbatimSymlinks: true });
  return {
    dir,
    root,
    stateFile: join(dir, 'state/throttle-n1.json'),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Reads one cpufreq attribute of a CPU of the copy, trimmed. */
export function attr(root: string, cpu: number, file: string): string {
  return readFileSync(join(root, `sys/devices/system/cpu/cpu${cpu}/cpufreq/${file}`), 'utf8').trim();
}

/** `scaling_max_freq` of every CPU 0..7, in kHz. */
export function maxFreqs(root: string): number[] {
  return [0, 1, 2, 3, 4, 5, 6, 7].map((c) => Number(attr(root, c, 'scaling_max_freq')));
}

/** A settable clock. */
export class Clock {
  t = 1_000_000;
  readonly now = (): number => this.t;
  advance(ms: number): void {
    this.t += ms;
  }
}

/** A throttler on a fixture copy with a recording logger and a manual clock. */
export function makeThrottler(
  fx: FixtureCopy,
  over: Partial<ThrottlerOptions> = {},
): { t: Throttler; log: RecordingLogger; clock: Clock } {
  const log = new RecordingLogger();
  const clock = new Clock();
  const t = new Throttler({
    root: fx.root,
    node: 'n1',
    mode: 'core',
    method: 'max_freq',
    graceMs: 60_000,
    prologTimeoutMs: 300_000,
    stateFile: fx.stateFile,
    log,
    now: clock.now,
    ...over,
  });
  return { t, log, clock };
}

/** Shorthand for an update input. */
export function held(
  cpus: number[],
  jobIds: string[] = cpus.length > 0 ? ['1'] : [],
): { heldCpus: Set<number>; jobIds: string[] } {
  return { heldCpus: new Set(cpus), jobIds };
}

/** The floor and the cap of the fixture. */
export const FLOOR = 800000;
export const CAP = 3000000;
