import { Worker } from 'node:worker_threads';
import { CommandError, ProcessGroups, type CommandResult, type RunOptions } from '@slurmscope/common';
import type { Logger } from '@slurmscope/model';
import type { CommandRunner, SlurmExec } from './commands.js';
import type { PollPlan } from './raw-poll.js';
import type { RawPoll } from './snapshot.js';
import type { PackedPollResult } from './transfer.js';

/** How the worker runs Slurm's commands: {@link SlurmExec} without a runner (it uses runCommand). */
export type WorkerExec = Omit<SlurmExec, 'run'>;

type Request =
  | { readonly op: 'run'; readonly file: string; readonly args: readonly string[]; readonly opts: RunOptions }
  | { readonly op: 'parse'; readonly raw: RawPoll }
  | { readonly op: 'poll'; readonly exec: WorkerExec; readonly plan: PollPlan }
  | { readonly op: 'abort' };

/**
 * A request to the poller's worker thread: run one command, parse one poll, or run and parse one
 * poll; `abort` (same id) kills the command of a `run` in flight.
 */
export type WorkerRequest = Request & { readonly id: number };

/** The worker's answer to a {@link WorkerRequest}. */
export type WorkerReply =
  | { readonly id: number; readonly ok: true; readonly op: 'run'; readonly result: CommandResult }
  | { readonly id: number; readonly ok: true; readonly op: 'parse'; readonly packed: PackedPollResult }
  | {
      readonly id: number;
      readonly ok: false;
      readonly error: { name: string; message: string; command?: string; kind?: CommandError['kind'] };
    };

/** What the worker says besides answers: a command's process group started, or is over. */
export type WorkerEvent = { readonly pgid: number } | { readonly ended: number };

type Ok = Extract<WorkerReply, { ok: true }>;

interface Pending {
  resolve(r: Ok): void;
  reject(e: Error): void;
}

/** Options of a {@link PollWorker}. */
export interface PollWorkerOptions {
  /** A parse (or poll) unanswered after this long fails and stops the worker. */
  readonly timeoutMs: number;
  /**
   * Old-generation limit of the worker's heap in MiB (default {@link DEFAULT_WORKER_HEAP_MB}).
   * V8 lets a heap grow to several times its live data before a full collection when the limit
   * is far (4 GiB by default) and collects sooner near a small one: each poll's outputs and parse
   * are garbage a moment later. A worker that runs out is replaced by one with twice the limit
   * (the call in flight fails).
   */
  readonly heapMb?: number;
  readonly log?: Logger;
}

/**
 * The worker's default old-generation limit: ~5× what it keeps alive at its peak while parsing
 * a poll of 2,000 nodes and 30,000 running jobs (~50 MB).
 */
export const DEFAULT_WORKER_HEAP_MB = 256;

/** The worker's young-generation limit for an old-generation limit: an eighth, 1 to 16 MiB. */
export function youngGenerationMb(heapMb: number): number {
  return Math.max(1, Math.min(16, Math.floor(heapMb / 8)));
}

/**
 * The main thread's side of the poller's worker thread, started at the first call: commands
 * run there (their spawn blocks that thread, not the API's) and polls are parsed there. A
 * call unanswered after `timeoutMs` fails and stops the worker; the next call starts another.
 * The commands' process groups in flight (the worker tells them) are killed whenever the worker
 * stops (close, a wedge, out of memory) and when the process exits: they run detached, and a
 * terminated thread kills nothing.
 */
export class PollWorker {
  private worker?: Worker;
  private nextId = 0;
  private heapMb: number;
  private readonly pending = new Map<number, Pending>();
  /** The process groups of the current worker's commands in flight. */
  private groups?: ProcessGroups;

  constructor(private readonly opts: PollWorkerOptions) {
    this.heapMb = opts.heapMb ?? DEFAULT_WORKER_HEAP_MB;
  }

  /** The old-generation limit (MiB) of the next worker started. */
  get heapLimitMb(): number {
    return this.heapMb;
  }

  /** Runs a command in the worker thread (a {@link CommandRunner}); errors keep CommandError's kind. */
  readonly run: CommandRunner = async (file, args, opts) => {
    // runCommand times out by itself and kills the command's whole process group (a grandchild
    // holding the pipes included): this bound only catches a wedged worker.
    // An AbortSignal cannot cross to the worker: its abort is sent as a message.
    const plain: RunOptions = { ...opts, signal: undefined };
    const r = await this.call({ op: 'run', file, args: [...args], opts: plain }, opts.timeoutMs + 5000, opts.signal);
    if (r.op !== 'run') throw new Error(`poll worker answered ${r.op} to run`);
    return r.result;
  };

  /** Parses one poll in the worker thread; the result comes packed (see transfer.ts). */
  async parse(raw: RawPoll): Promise<PackedPollResult> {
    const r = await this.call({ op: 'parse', raw }, this.opts.timeoutMs);
    if (r.op !== 'parse') throw new Error(`poll worker answered ${r.op} to parse`);
    return r.packed;
  }

  /**
   * Runs a poll's commands and parses their outputs in the worker thread: the outputs (MBs of
   * text) never cross to the main thread. The result comes packed (see transfer.ts).
   */
  async poll(exec: WorkerExec, plan: PollPlan): Promise<PackedPollResult> {
    const r = await this.call({ op: 'poll', exec, plan }, exec.timeoutMs + 5000 + this.opts.timeoutMs);
    if (r.op !== 'parse') throw new Error(`poll worker answered ${r.op} to poll`);
    return r.packed;
  }

  /** The process groups of the worker's commands in flight. */
  get groupsInFlight(): number {
    return this.groups?.size ?? 0;
  }

  /** Stops the worker thread and kills its commands' process groups (SIGTERM, then SIGKILL). */
  async close(): Promise<void> {
    const [w, groups] = [this.worker, this.groups];
    this.worker = undefined;
    this.groups = undefined;
    if (w !== undefined) await w.terminate();
    await groups?.killAll();
  }

  private call(req: Request, timeoutMs: number, signal?: AbortSignal): Promise<Ok> {
    const w = this.ensureWorker();
    const id = this.nextId++;
    const onAbort = (): void => w.postMessage({ op: 'abort', id } satisfies WorkerRequest);
    return new Promise<Ok>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        signal?.removeEventListener('abort', onAbort);
        reject(new Error(`poll worker gave no answer to ${req.op} within ${timeoutMs} ms`));
        void this.close();
      }, timeoutMs);
      const settled = (): void => (clearTimeout(timer), signal?.removeEventListener('abort', onAbort));
      this.pending.set(id, {
        resolve: (r) => (settled(), resolve(r)),
        reject: (e) => (settled(), reject(e)),
      });
      w.postMessage({ ...req, id });
      if (signal?.aborted) onAbort();
      else signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  private ensureWorker(): Worker {
    if (this.worker !== undefined) return this.worker;
    const w = new Worker(new URL('./worker.js', import.meta.url), {
      // A young generation in proportion to the old one: with V8's default (16 MiB and more) a
      // small worker heap could reach its limit inside a scavenge, which V8 treats as fatal to the
      // whole process instead of stopping the worker (seen with 16 MiB: ctld itself died).
      resourceLimits: { maxOldGenerationSizeMb: this.heapMb, maxYoungGenerationSizeMb: youngGenerationMb(this.heapMb) },
    });
    w.unref();
    const groups = new ProcessGroups();
    w.on('message', (msg: WorkerReply | WorkerEvent) => {
      if ('pgid' in msg) return groups.add(msg.pgid);
      if ('ended' in msg) return groups.delete(msg.ended);
      const p = this.pending.get(msg.id);
      this.pending.delete(msg.id);
      if (p === undefined) return;
      if (msg.ok) p.resolve(msg);
      else p.reject(rebuild(msg.error));
    });
    const fail = (e: Error): void => {
      if (this.worker === w) [this.worker, this.groups] = [undefined, undefined];
      // A worker that died (out of memory) left its commands running: kill them.
      void groups.killAll();
      for (const p of this.pending.values()) p.reject(e);
      this.pending.clear();
    };
    w.on('error', (e: Error & { code?: string }) => {
      if (e.code === 'ERR_WORKER_OUT_OF_MEMORY') {
        const was = this.heapMb;
        this.heapMb = 2 * was;
        this.opts.log?.warn(
          { heapMb: was, nextHeapMb: this.heapMb },
          'poll worker ran out of heap; restarting it larger',
        );
        fail(new Error(`poll worker ran out of its ${was} MiB heap (the next one gets ${this.heapMb} MiB)`));
      } else fail(e);
    });
    w.on('exit', (code) => fail(new Error(`poll worker exited with code ${code}`)));
    [this.worker, this.groups] = [w, groups];
    return w;
  }
}

/** The worker's error as the caller would have seen it in-thread (a CommandError stays one). */
function rebuild(e: { name: string; message: string; command?: string; kind?: CommandError['kind'] }): Error {
  if (e.command !== undefined && e.kind !== undefined && e.message.startsWith(`${e.command}: `))
    return new CommandError(e.command, e.kind, e.message.slice(e.command.length + 2));
  return Object.assign(new Error(e.message), { name: e.name });
}
