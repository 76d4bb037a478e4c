import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync, statSync } from 'node:fs';
import { waitFor } from '../lib/index.js';

/** A long-running child process of the demo, its output in a log file. */
export interface Child {
  readonly name: string;
  readonly log: string;
  readonly proc: ChildProcess;
  /** Resolves with the exit code (or signal) once the process has exited. */
  readonly exited: Promise<number | NodeJS.Signals>;
}

/**
 * Starts `command args` with stdout and stderr appended to `log`, in its own process group so that
 * a Ctrl-C in the terminal reaches the demo only, which then stops its children in order.
 */
export function startChild(
  name: string,
  command: string,
  args: readonly string[],
  log: string,
  env: NodeJS.ProcessEnv,
): Child {
  const fd = openSync(log, 'w'); // a fresh log per demo run: its tail explains this run's failures
  try {
    const proc = spawn(command, args, { stdio: ['ignore', fd, fd], env, detached: true });
    const exited = new Promise<number | NodeJS.Signals>((resolve) => {
      proc.on('error', () => resolve(127));
      proc.on('exit', (code, signal) => resolve(code ?? signal ?? 1));
    });
    return { name, log, proc, exited };
  } finally {
    closeSync(fd);
  }
}

/** The last `lines` lines of a log file, for error messages. */
export function tail(file: string, lines = 15): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch (err) {
    return `(cannot read ${file}: ${(err as Error).message})`;
  }
}

/**
 * Waits until the child has written its first log line (it loaded its config and runs). Fails with
 * the log's tail when it exits silently or with status 2 (bad usage or config), or stays silent
 * past the timeout; a later exit is the caller's to watch.
 */
export async function waitStarted(child: Child, timeoutMs: number): Promise<void> {
  let exit: number | NodeJS.Signals | undefined;
  void child.exited.then((code) => (exit = code));
  const logged = (): boolean => statSync(child.log).size > 0;
  const result = await waitFor(() => (exit !== undefined ? 'exited' : logged()), {
    timeoutMs,
    intervalMs: 100,
    what: `${child.name} to start (log ${child.log})`,
  });
  if (result === 'exited' && (exit === 2 || !logged())) throw new ChildExited(child, exit ?? 1);
}

/**
 * Waits until `url` answers 200 (the daemon's server is up, not just its process); fails with
 * the child's last log lines if it exits or the time runs out first.
 */
export async function waitServing(child: Child, url: string, timeoutMs: number): Promise<void> {
  let exit: number | NodeJS.Signals | undefined;
  void child.exited.then((code) => (exit = code));
  const result = await waitFor(
    async () => {
      if (exit !== undefined) return 'exited';
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      return res.ok;
    },
    { timeoutMs, intervalMs: 200, what: `${child.name} to answer ${url} (log ${child.log})` },
  ).catch((err: Error) => {
    throw new Error(`${err.message}; last lines of ${child.log}:\n${tail(child.log)}`);
  });
  if (result === 'exited') throw new ChildExited(child, exit ?? 1);
}

/** A demo child that exited while it should run. */
export class ChildExited extends Error {
  override readonly name = 'ChildExited';
  constructor(child: Child, code: number | NodeJS.Signals) {
    super(`${child.name} exited (${code}); last lines of ${child.log}:\n${tail(child.log)}`);
  }
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the child has exited. */
export async function stopChild(child: Child, graceMs = 10_000): Promise<void> {
  if (child.proc.exitCode !== null || child.proc.signalCode !== null) return;
  child.proc.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const killed = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      child.proc.kill('SIGKILL');
      resolve();
    }, graceMs);
  });
  await Promise.race([child.exited, killed]);
  clearTimeout(timer);
  await child.exited;
}
