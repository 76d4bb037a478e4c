import { spawn, type ChildProcess } from 'node:child_process';

/** What a finished command printed. */
export interface CommandResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** Why a command failed: `kind` tells timeouts, aborts and oversized output from plain failures. */
export class CommandError extends Error {
  override readonly name = 'CommandError';
  constructor(
    readonly command: string,
    readonly kind: 'timeout' | 'too-large' | 'aborted' | 'exit' | 'spawn',
    detail: string,
  ) {
    super(`${command}: ${detail}`);
  }
}

/** Limits of one external command. */
export interface RunOptions {
  readonly timeoutMs: number;
  /** Largest stdout accepted; the command is killed beyond it. */
  readonly maxBytes?: number;
  readonly env?: NodeJS.ProcessEnv;
  readonly input?: string;
  /** Kills the command (its whole process group) when it fires. */
  readonly signal?: AbortSignal;
  /** Told the command's process group when it starts and when it is over (killed, or empty). */
  readonly groups?: GroupTracker;
}

/** Where {@link runCommand} reports each command's process group: at its start, and at its end. */
export interface GroupTracker {
  add(pgid: number): void;
  delete(pgid: number): void;
}

/** Time a killed command's group gets between SIGTERM (a `sudo` passes it on) and SIGKILL. */
const KILL_GRACE_MS = 500;
const MAX_STDERR_BYTES = 64 * 1024;

/**
 * Runs an external command (no shell) with a timeout and bounded output; a hung or chatty tool is
 * killed and reported as a CommandError, never left to stall the caller.
 *
 * The command runs in its own process group (`detached`), and every kill is of the whole group,
 * so a wrapper script's children (a site's `sudo`, a `sleep` that hangs) die with it. When the
 * command itself exits, whatever is left of its group is killed too: a leftover child holding
 * stdout would otherwise keep the pipe open and the result waiting. A process that left the
 * group (setsid) and holds the pipe can only delay the result to the timeout.
 * A non-zero exit is an error carrying the first line of stderr.
 */
export function runCommand(file: string, args: readonly string[], opts: RunOptions): Promise<CommandResult> {
  const label = [file, ...args].join(' ');
  return new Promise((resolve, reject) => {
    let child: ChildProcess;
    try {
      child = spawn(file, args, { env: opts.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    } catch (err) {
      // Invalid arguments (a NUL byte, a bad env) throw synchronously instead of emitting 'error'.
      reject(new CommandError(label, 'spawn', (err as Error).message));
      return;
    }
    new GroupRun(child, label, opts, { resolve, reject }).start();
  });
}

/**
 * Sends `signal` to every process of the group led by `pid` (a child spawned `detached`). False
 * when there is no process to signal: the group is empty (ESRCH), or all that is left runs as
 * another user (EPERM: a setuid `sudo`), which a non-root caller cannot kill anyway.
 */
export function killProcessGroup(pid: number | undefined, signal: NodeJS.Signals): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(-pid, signal);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ESRCH' || code === 'EPERM') return false;
    throw err;
  }
}

/**
 * The process groups of the commands in flight in this thread (and those a {@link ProcessGroups}
 * tracks for another thread), killed when the process exits. Module state by exception: the
 * commands run detached, so nothing else kills them when ctld or the agent exits (process.exit,
 * a second SIGTERM, an uncaught error), and an 'exit' listener can only be synchronous and global.
 * SIGTERM then SIGKILL at once: a command run by `sudo` as root may outlive a hard exit.
 */
const groupsAtExit = new Set<number>();
process.on('exit', () => {
  for (const pgid of groupsAtExit) killProcessGroup(pgid, 'SIGTERM');
  for (const pgid of groupsAtExit) killProcessGroup(pgid, 'SIGKILL');
});

/**
 * Process groups of commands in flight, killed together when their owner stops: the main thread's
 * record of what its Slurm worker thread runs (a terminated thread kills nothing by itself).
 * Each is also killed when the process exits.
 */
export class ProcessGroups implements GroupTracker {
  private readonly pgids = new Set<number>();

  /** Records a group in flight. */
  add(pgid: number): void {
    this.pgids.add(pgid);
    groupsAtExit.add(pgid);
  }

  /** Forgets a group that is over. */
  delete(pgid: number): void {
    this.pgids.delete(pgid);
    groupsAtExit.delete(pgid);
  }

  /** The groups in flight. */
  get size(): number {
    return this.pgids.size;
  }

  /** Kills every group in flight: SIGTERM (a `sudo` passes it on), SIGKILL after a grace if any is left. */
  async killAll(graceMs = KILL_GRACE_MS): Promise<void> {
    const pgids = [...this.pgids];
    for (const pgid of pgids) this.delete(pgid);
    const left = pgids.filter((pgid) => killProcessGroup(pgid, 'SIGTERM'));
    if (left.length === 0) return;
    await new Promise((resolve) => setTimeout(resolve, graceMs));
    for (const pgid of left) killProcessGroup(pgid, 'SIGKILL');
  }
}

/** One command in flight: its output, its limits and how it ends. */
class GroupRun {
  private readonly out: Buffer[] = [];
  private outBytes = 0;
  private readonly err: Buffer[] = [];
  private errBytes = 0;
  private failure: CommandError | undefined;
  private exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  private done = false;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly onAbort = (): void => this.fail('aborted', 'aborted');

  constructor(
    private readonly child: ChildProcess,
    private readonly label: string,
    private readonly opts: RunOptions,
    private readonly settle: { resolve(r: CommandResult): void; reject(e: CommandError): void },
  ) {}

  start(): void {
    const { child, opts } = this;
    const maxBytes = opts.maxBytes ?? 64 * 1024 * 1024;
    if (child.pid !== undefined) {
      groupsAtExit.add(child.pid);
      opts.groups?.add(child.pid);
    }
    this.timers.push(setTimeout(() => this.onTimeout(), opts.timeoutMs));
    child.stdout?.on('data', (chunk: Buffer) => {
      this.outBytes += chunk.length;
      if (this.outBytes > maxBytes) this.fail('too-large', `output exceeds ${maxBytes} bytes`);
      else this.out.push(chunk);
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      if (this.errBytes < MAX_STDERR_BYTES) this.err.push(chunk);
      this.errBytes += chunk.length;
    });
    child.on('error', (e) => {
      // Spawn failures (ENOENT, EACCES) end here; no process, no group.
      this.failure ??= new CommandError(this.label, 'spawn', e.message);
      this.finish();
    });
    child.stdin?.on('error', () => {
      // The tool may exit without reading its input; its exit status tells what happened.
    });
    child.stdin?.end(opts.input ?? '');
    child.on('exit', (code, signal) => this.onExit(code, signal));
    child.on('close', () => this.finish());
    if (opts.signal?.aborted) this.onAbort();
    else opts.signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  private onTimeout(): void {
    if (this.exited === undefined) this.fail('timeout', `no answer within ${this.opts.timeoutMs} ms`);
    else
      this.fail(
        'timeout',
        `exited, but its output stayed open for ${this.opts.timeoutMs} ms (held by a process outside its group)`,
      );
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null): void {
    this.exited = { code, signal };
    // Whatever is left of the group is a leftover of a finished command (or of a killed one).
    killProcessGroup(this.child.pid, 'SIGKILL');
    if (this.failure !== undefined) this.finish();
  }

  /** Records the first failure and kills the group: SIGTERM, then SIGKILL after a short grace. */
  private fail(kind: CommandError['kind'], detail: string): void {
    if (this.done || this.failure !== undefined) return;
    this.failure = new CommandError(this.label, kind, detail);
    if (this.exited !== undefined || !killProcessGroup(this.child.pid, 'SIGTERM')) {
      killProcessGroup(this.child.pid, 'SIGKILL');
      this.finish();
      return;
    }
    this.timers.push(
      setTimeout(() => {
        killProcessGroup(this.child.pid, 'SIGKILL');
        this.finish();
      }, KILL_GRACE_MS),
    );
  }

  private finish(): void {
    if (this.done) return;
    this.done = true;
    for (const t of this.timers) clearTimeout(t);
    this.opts.signal?.removeEventListener('abort', this.onAbort);
    if (this.child.pid !== undefined) {
      groupsAtExit.delete(this.child.pid);
      this.opts.groups?.delete(this.child.pid);
    }
    if (this.failure !== undefined) {
      // Do not wait for pipes a process outside the group may hold forever.
      this.child.stdout?.destroy();
      this.child.stderr?.destroy();
      this.child.stdin?.destroy();
      this.settle.reject(this.failure);
      return;
    }
    const stdout = Buffer.concat(this.out).toString('utf8');
    const stderr = Buffer.concat(this.err).toString('utf8');
    const { code, signal } = this.exited ?? { code: this.child.exitCode, signal: this.child.signalCode };
    if (code !== 0) {
      const why = stderr.trim().split('\n')[0] || (signal ? `killed by ${signal}` : `exit code ${code}`);
      this.settle.reject(new CommandError(this.label, 'exit', `exit ${code ?? signal}: ${why}`));
      return;
    }
    this.settle.resolve({ stdout, stderr, code, signal });
  }
}
