import { spawn, type ChildProcess } from 'node:child_process';
import { errorMessage, killProcessGroup, runCommand } from '@slurmscope/common';
import type { Logger } from '@slurmscope/model';
import {
  computeAppsArgs,
  gpuQueryArgs,
  parseComputeApps,
  parseGpuLine,
  type ComputeApp,
  type GpuReading,
} from '../parse/nvidia-smi.js';

/**
 * NVIDIA GPUs through nvidia-smi, without ever waiting on it in the sampling cycle.
 *
 * GPU query: ONE long-lived child in loop mode (`--loop-ms`), read line by line; the latest complete
 * block is kept with its time. A block ends when a GPU index repeats, when it has as many rows as
 * the previous block, or after a short quiet gap. The child runs in its own process group: a
 * wrapper's children (a site's `sudo`, a stuck helper) are killed with it, and whatever is left of
 * the group when the child exits is killed, since it would hold stdout open. A child that exits,
 * or stays silent past `staleMs` (then its whole group is killed), is restarted with exponential
 * backoff: one counted error and one log line naming the command per restart. Compute apps: a one-shot
 * `--query-compute-apps` run with a timeout every `appsIntervalMs` in the background (loop mode
 * cannot frame it: an empty process list prints nothing), never overlapping itself.
 * `latest()` / `latestApps()` return at once: stale data is absent, and counted by the caller.
 */

/** Options of the monitor. */
export interface NvidiaSmiMonitorOptions {
  /** nvidia-smi executable (PATH name or absolute path). */
  readonly command: string;
  /** Loop period of nvidia-smi, usually the agent's interval. */
  readonly intervalMs: number;
  /** A reading older than this is absent; default 3 × interval + 2 s. */
  readonly staleMs?: number;
  /** Period of the compute-apps query; 0 = never. Default: the interval. */
  readonly appsIntervalMs?: number;
  /** Timeout of one compute-apps run; default 5 s. */
  readonly appsTimeoutMs?: number;
  /** First and largest wait before restarting a dead child; default 1 s and 60 s. */
  readonly backoffMs?: { readonly initial: number; readonly max: number };
  readonly env?: NodeJS.ProcessEnv;
  readonly logger: Logger;
}

/** A reading with its age. */
export interface Timed<T> {
  readonly value: T;
  /** When it was complete (ms since the epoch). */
  readonly at: number;
  readonly ageMs: number;
}

const QUIET_GAP_MS = 200;
const MAX_LINE = 64 * 1024;

/** Keeps one nvidia-smi child running in loop mode and the latest GPU block it printed. */
export class NvidiaSmiMonitor {
  private child: ChildProcess | undefined;
  private stopped = true;
  private partial: GpuReading[] = [];
  private expected: number | undefined;
  private buffered = '';
  private last: { gpus: GpuReading[]; at: number } | undefined;
  private apps: { apps: ComputeApp[]; at: number } | undefined;
  private appsRunning = false;
  private errors = 0;
  private garbageLogged = false;
  private backoff: number;
  private startedAt = 0;
  private readonly timers = new Set<NodeJS.Timeout>();
  private quietTimer: NodeJS.Timeout | undefined;
  private readonly staleMs: number;
  private readonly appsIntervalMs: number;

  constructor(private readonly opts: NvidiaSmiMonitorOptions) {
    this.staleMs = opts.staleMs ?? 3 * opts.intervalMs + 2000;
    this.appsIntervalMs = opts.appsIntervalMs ?? opts.intervalMs;
    this.backoff = opts.backoffMs?.initial ?? 1000;
  }

  /** Starts the child and the watchdog (idempotent). */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.spawnChild();
    this.every(Math.max(100, Math.min(this.opts.intervalMs, this.staleMs / 2)), () => this.watchdog());
    if (this.appsIntervalMs > 0) {
      this.pollApps();
      this.every(this.appsIntervalMs, () => this.pollApps());
    }
  }

  /** The latest complete GPU block, or undefined when there is none or it is stale. */
  latest(now = Date.now()): Timed<GpuReading[]> | undefined {
    return this.fresh(this.last && { value: this.last.gpus, at: this.last.at }, now, this.staleMs);
  }

  /** The latest compute-apps list, or undefined when there is none or it is stale. */
  latestApps(now = Date.now()): Timed<ComputeApp[]> | undefined {
    const stale = 2 * this.appsIntervalMs + (this.opts.appsTimeoutMs ?? 5000);
    return this.fresh(this.apps && { value: this.apps.apps, at: this.apps.at }, now, stale);
  }

  /** True while an nvidia-smi child is running. */
  get running(): boolean {
    return this.child !== undefined;
  }

  /** Errors (garbage lines, child deaths, hangs, failed app queries) since the last call. */
  takeErrors(): number {
    const n = this.errors;
    this.errors = 0;
    return n;
  }

  /** Stops the timers and the child's process group (SIGTERM, then SIGKILL after 1 s). */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    if (this.quietTimer) clearTimeout(this.quietTimer);
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      const kill = setTimeout(() => killProcessGroup(child.pid, 'SIGKILL'), 1000);
      child.once('exit', () => {
        clearTimeout(kill);
        killProcessGroup(child.pid, 'SIGKILL');
        resolve();
      });
      if (!killProcessGroup(child.pid, 'SIGTERM')) child.kill('SIGTERM');
    });
  }

  private fresh<T>(v: { value: T; at: number } | undefined, now: number, staleMs: number): Timed<T> | undefined {
    if (!v || now - v.at > staleMs) return undefined;
    return { value: v.value, at: v.at, ageMs: now - v.at };
  }

  private every(ms: number, fn: () => void): void {
    const t = setInterval(fn, ms);
    t.unref();
    this.timers.add(t);
  }

  private spawnChild(): void {
    const args = gpuQueryArgs(this.opts.intervalMs);
    const label = `${this.opts.command} ${args.join(' ')}`;
    this.partial = [];
    this.buffered = '';
    this.startedAt = Date.now();
    const child = spawn(this.opts.command, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: this.opts.env ?? process.env,
      detached: true,
    });
    this.child = child;
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => this.onData(chunk, label));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-512);
    });
    child.on('error', (err) => {
      // Spawn failures (ENOENT, EACCES) end here; 'exit' may not follow.
      this.childGone(child, label, err.message);
    });
    // What is left of the group would hold stdout open, and 'close' would never come.
    child.on('exit', () => killProcessGroup(child.pid, 'SIGKILL'));
    // 'close' comes after stdout is drained, so the last block printed before dying is kept.
    child.on('close', (code, signal) => {
      if (this.child !== child) return;
      if (this.buffered.trim() !== '') this.onLine(this.buffered, label);
      this.buffered = '';
      this.flush(false);
      const why = stderr.trim().split('\n').pop() || `exit ${code ?? signal}`;
      this.childGone(child, label, why);
    });
  }

  private childGone(child: ChildProcess, label: string, why: string): void {
    if (this.child !== child) return;
    this.child = undefined;
    if (this.stopped) return;
    this.errors++;
    const delay = this.backoff;
    this.backoff = Math.min(this.backoff * 2, this.opts.backoffMs?.max ?? 60_000);
    this.opts.logger.warn({ command: label, restartInMs: delay }, `nvidia-smi ended: ${why}`);
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (!this.stopped) this.spawnChild();
    }, delay);
    t.unref();
    this.timers.add(t);
  }

  private watchdog(): void {
    const since = this.last && this.last.at > this.startedAt ? this.last.at : this.startedAt;
    const child = this.child;
    if (!child || Date.now() - since <= this.staleMs) return;
    if (!killProcessGroup(child.pid, 'SIGKILL')) child.kill('SIGKILL');
    // A process outside the group may hold the pipes: the restart does not wait for 'close'.
    child.stdout?.destroy();
    child.stderr?.destroy();
    const label = `${this.opts.command} ${gpuQueryArgs(this.opts.intervalMs).join(' ')}`;
    this.childGone(child, label, `hung (silent for ${Date.now() - since} ms): its process group was killed`);
  }

  private onData(chunk: string, label: string): void {
    this.buffered += chunk;
    let nl: number;
    while ((nl = this.buffered.indexOf('\n')) >= 0) {
      const line = this.buffered.slice(0, nl).replace(/\r$/, '');
      this.buffered = this.buffered.slice(nl + 1);
      if (line.trim() !== '') this.onLine(line, label);
    }
    if (this.buffered.length > MAX_LINE) {
      this.garbage(label, 'line too long', this.buffered.slice(0, 120));
      this.buffered = '';
    }
    if (this.quietTimer) clearTimeout(this.quietTimer);
    if (this.partial.length > 0) {
      this.quietTimer = setTimeout(() => this.flush(false), Math.min(QUIET_GAP_MS, this.opts.intervalMs / 2));
      this.quietTimer.unref();
    }
  }

  private onLine(line: string, label: string): void {
    let gpu: GpuReading;
    try {
      gpu = parseGpuLine(line, label);
    } catch (err) {
      this.garbage(label, errorMessage(err), line);
      return;
    }
    if (this.partial.some((g) => g.index === gpu.index)) this.flush(true);
    this.partial.push(gpu);
    if (this.expected !== undefined && this.partial.length >= this.expected) this.flush(false);
  }

  private flush(byRepeat: boolean): void {
    if (this.partial.length === 0) return;
    if (byRepeat || this.expected === undefined) this.expected = this.partial.length;
    this.last = { gpus: this.partial, at: Date.now() };
    this.partial = [];
    this.backoff = this.opts.backoffMs?.initial ?? 1000;
  }

  private garbage(label: string, why: string, line: string): void {
    this.errors++;
    // Logged once at warn; a tool that keeps printing garbage is visible in the error counter.
    const level = this.garbageLogged ? 'debug' : 'warn';
    this.garbageLogged = true;
    this.opts.logger[level](
      { command: label, line: line.slice(0, 200) },
      `nvidia-smi printed an unexpected line: ${why}`,
    );
  }

  private pollApps(): void {
    if (this.appsRunning || this.stopped) return;
    this.appsRunning = true;
    const args = computeAppsArgs();
    const timeoutMs = this.opts.appsTimeoutMs ?? 5000;
    runCommand(this.opts.command, args, {
      timeoutMs,
      maxBytes: 1024 * 1024,
      ...(this.opts.env ? { env: this.opts.env } : {}),
    })
      .then((r) => {
        this.apps = { apps: parseComputeApps(r.stdout, `${this.opts.command} ${args.join(' ')}`), at: Date.now() };
      })
      .catch((err: unknown) => {
        this.errors++;
        this.opts.logger.warn({ command: this.opts.command }, `nvidia-smi compute-apps failed: ${errorMessage(err)}`);
      })
      .finally(() => {
        this.appsRunning = false;
      });
  }
}
