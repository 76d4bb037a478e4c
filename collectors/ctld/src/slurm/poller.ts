import { errorMessage } from '@slurmscope/common';
import type { FamilyDesc, Logger, MetricFamily } from '@slurmscope/model';
import { CTLD_FAMILIES as F } from '../metrics.js';
import {
  parseVersionText,
  runSlurm,
  slurmCommands,
  type CommandRunner,
  type SlurmCommandName,
  type SlurmExec,
} from './commands.js';
import { runPaced } from '../slices.js';
import { readRawPoll, type PollPlan } from './raw-poll.js';
import { buildPollResult, type PollResult } from './snapshot.js';
import { unpackSteps } from './transfer.js';
import { PollWorker } from './worker-client.js';
import type { SlurmConfig, SlurmVersion } from './types.js';

/** Options of a {@link SlurmPoller}. */
export interface SlurmPollerOptions extends SlurmExec {
  readonly log: Logger;
  /** Read `scontrol show config` on the first poll and then every Nth poll (default 10). */
  readonly configEveryPolls?: number;
  /** Parse in a worker thread (default true); false parses in-process (tests, `--once`). */
  readonly useWorker?: boolean;
}

/** Where the poller stands after a poll: the last good result, and whether this poll failed. */
export interface PollState {
  readonly result?: PollResult;
  /** True when the last poll failed and `result` (if any) is from an earlier poll. */
  readonly stale: boolean;
  readonly error?: string;
}

/**
 * Polls Slurm: one set of commands per call, however many callers wait (a call during a poll
 * joins it). The commands run, and their outputs are parsed and availability computed, in a
 * worker thread: the outputs never reach the main thread. A failed poll keeps the last good
 * result, which callers serve with its age.
 */
export class SlurmPoller {
  /** Commands run so far, by step: with RPCS_PER_COMMAND this predicts slurmctld's RPC counters. */
  readonly callCounts: Record<SlurmCommandName | 'version', number> = {
    version: 0,
    nodes: 0,
    jobs: 0,
    partitions: 0,
    config: 0,
    sdiag: 0,
  };
  polls = 0;
  errors = 0;
  private version?: SlurmVersion;
  private config?: SlurmConfig;
  private state: PollState = { stale: true };
  private inFlight?: Promise<PollState>;
  private readonly worker?: PollWorker;
  private readonly exec: SlurmExec;

  constructor(private readonly opts: SlurmPollerOptions) {
    if (opts.useWorker !== false) this.worker = new PollWorker({ timeoutMs: opts.timeoutMs, log: opts.log });
    // A runner given in the options (tests) runs here; otherwise commands run in the worker.
    this.exec = opts.run === undefined && this.worker !== undefined ? { ...opts, run: this.worker.run } : opts;
  }

  /**
   * Runs external commands the way the poller does (in its worker thread unless `useWorker` is
   * false or a runner was given): for other callers that spawn each cycle (sacct for reports).
   */
  get runner(): CommandRunner | undefined {
    return this.exec.run;
  }

  /** The last poll's state. */
  get current(): PollState {
    return this.state;
  }

  /** Seconds since the served snapshot was taken; undefined before the first good poll. */
  ageSeconds(nowMs = Date.now()): number | undefined {
    const t = this.state.result?.snapshot.timestampMs;
    return t === undefined ? undefined : Math.max(0, (nowMs - t) / 1000);
  }

  /** Slurm commands one poll runs, by step (config only every `configEveryPolls` polls). */
  callsPerPoll(): Record<SlurmCommandName, number> {
    return { nodes: 1, jobs: 1, partitions: 1, sdiag: 1, config: 1 / (this.opts.configEveryPolls ?? 10) };
  }

  /** Runs one poll, or joins the one in flight. Never throws: failures land in the state. */
  poll(nowMs = Date.now()): Promise<PollState> {
    this.inFlight ??= this.doPoll(nowMs).finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  /** Stops the worker thread. */
  async close(): Promise<void> {
    await this.worker?.close();
  }

  private async doPoll(nowMs: number): Promise<PollState> {
    const poll = this.polls++;
    try {
      const version = await this.ensureVersion();
      const { config, ...always } = slurmCommands(version);
      const wantConfig = this.config === undefined || poll % (this.opts.configEveryPolls ?? 10) === 0;
      const plan: PollPlan = {
        timestampMs: nowMs,
        commands: wantConfig ? { ...always, config } : always,
        ...(this.config === undefined ? {} : { previousConfig: this.config }),
      };
      for (const name of Object.keys(plan.commands) as SlurmCommandName[]) this.callCounts[name]++;
      const result = await this.pollResult(plan);
      this.config = result.snapshot.config;
      this.state = { result, stale: false };
    } catch (err) {
      this.errors++;
      const error = errorMessage(err);
      this.opts.log.warn({ err: error, poll }, 'Slurm poll failed; serving the last good snapshot');
      this.state = { ...(this.state.result === undefined ? {} : { result: this.state.result }), stale: true, error };
    }
    return this.state;
  }

  /**
   * Runs a plan's commands and parses their outputs: both in the worker thread (the outputs never
   * reach this thread), or the commands through a given runner and the parse in the worker, or
   * both here without a worker.
   */
  private async pollResult(plan: PollPlan): Promise<PollResult> {
    if (this.worker === undefined) return buildPollResult(await readRawPoll(this.exec, plan));
    const { binDir, timeoutMs, maxBytes, env } = this.opts;
    const packed =
      this.opts.run === undefined
        ? await this.worker.poll({ timeoutMs, binDir, maxBytes, env: env ?? process.env }, plan)
        : await this.worker.parse(await readRawPoll(this.exec, plan));
    // Unpacked in slices: the main thread answers API requests between them.
    return runPaced(unpackSteps(packed));
  }

  private async ensureVersion(): Promise<SlurmVersion> {
    if (this.version !== undefined) return this.version;
    this.callCounts.version++;
    const text = await runSlurm(this.exec, { bin: 'scontrol', args: ['--version'] });
    this.version = parseVersionText(text);
    return this.version;
  }
}

/**
 * The poller's own families: poll errors, commands run, job counts. The snapshot's age and
 * stale flag are ctld's (`freshnessFamilies`): what is served, as the API says it.
 */
export function pollerFamilies(p: SlurmPoller): MetricFamily[] {
  const snap = p.current.result?.snapshot;
  const g = (desc: FamilyDesc, value: number | undefined): MetricFamily => ({
    ...desc,
    samples: value === undefined ? [] : [{ labels: {}, value }],
  });
  return [
    g(F.slurmPollErrors, p.errors),
    {
      ...F.slurmCommands,
      samples: Object.entries(p.callCounts).map(([command, value]) => ({ labels: { command }, value })),
    },
    g(F.slurmJobsRunning, snap?.jobs.length),
    g(F.slurmJobsPending, snap?.sdiag.jobsPending),
  ];
}
