import { InfluxDB } from '@influxdata/influxdb-client';
import type { Logger, MetricFamily, Sink, Snapshot } from '@slurmscope/model';
import { encodeSnapshot } from './line-protocol.js';
import { sendSplitting, type Delivery, type SplitSendPort } from './split-send.js';
import { Spool } from './spool.js';
import { emptyStats, statsFamilies, type DropCause, type InfluxStats } from './stats.js';
import { backoffDelay, classifyWriteError, type WriteFailure } from './write-error.js';
import { writeTarget, type WriteTarget, type WriteTargetOptions } from './write-target.js';

/** Options of an {@link InfluxSink}; mirrors one output of `influxdb` in the agent and ctld config. */
export interface InfluxSinkOptions extends WriteTargetOptions {
  /** Base URL of the store, e.g. "http://influx.example:8086". */
  readonly url: string;
  /** API token, read by the caller from a file or the environment; never logged. */
  readonly token?: string;
  /** Organisation (2.x/3.x); empty = not sent. v2 only. */
  readonly org: string;
  /** Bucket (2.x/3.x) or "database/retention-policy" (1.8). v2 only. */
  readonly bucket: string;
  /** The output's name: the `output` label of the sink's self-metrics. Default "0". */
  readonly output?: string;
  /** Points (lines) per write request. */
  readonly batchSize: number;
  /** Longest time a point waits in memory before it is written. */
  readonly flushIntervalMs: number;
  /** Timeout of one write request. */
  readonly timeoutMs: number;
  /** Directory of the disk spool (created 0700). One sink per directory. */
  readonly spoolDir: string;
  /** Bound of the spool on disk; the oldest chunks are dropped (and counted) beyond it. */
  readonly spoolMaxBytes: number;
  readonly log: Logger;
  /** Bound of the points held in memory (queue, and spool chunks the disk refused). Default 100000. */
  readonly memoryMaxPoints?: number;
  /** First retry delay. Default 1 s. */
  readonly retryBaseMs?: number;
  /** Longest retry delay. Default 60 s. */
  readonly retryMaxMs?: number;
  /** Random source of the backoff jitter (tests pin it). Default Math.random. */
  readonly random?: () => number;
}

/**
 * A Sink that writes line protocol to the v2 write API (`/api/v2/write`: InfluxDB 1.8+, 2.x,
 * 3.x, VictoriaMetrics) or, with `api: 'v1'`, to 1.x's `/write` (see {@link writeTarget}),
 * through the client library's transport (its timeout and errors, the same for both). It owns batching, retry and
 * the spool rather than using the library's WriteApi, whose retry buffer drops points when
 * full. A batch answered 413 (too large) is split in halves and sent again, down to one point.
 * Every point handed over ends as exactly one of: written, rejected (a 4xx refusing the data),
 * dropped (a bound, or one point alone too large; counted), or still waiting in memory or spool.
 * Only one write request is in flight at a time, so points reach the store in order.
 */
export class InfluxSink implements Sink {
  private readonly influx: InfluxDB;
  private readonly target: WriteTarget;
  private readonly spool: Spool;
  private readonly stats: InfluxStats = emptyStats();
  private queue: string[] = [];
  private liveChain: Promise<void> = Promise.resolve();
  private replaying: Promise<void> | undefined;
  private down = false;
  private failures = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private flushTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly loggedStatus = new Set<number | undefined>();
  private readonly splitting: SplitSendPort = {
    send: (lines) => this.send(lines),
    refused: (points, failure) =>
      failure.tooLarge === true ? this.dropTooLarge(failure) : this.reject(points, failure),
    split: () => void this.stats.splits++,
  };

  private constructor(private readonly options: InfluxSinkOptions) {
    this.influx = new InfluxDB({ url: options.url, token: options.token, timeout: options.timeoutMs });
    this.target = writeTarget(options);
    this.spool = new Spool({
      dir: options.spoolDir,
      maxBytes: options.spoolMaxBytes,
      memoryMaxPoints: this.memoryMax,
      log: options.log,
      onDrop: (points, reason) => this.drop(points, reason),
    });
  }

  /** Opens the spool (replaying what a previous run left, oldest first) and returns the sink. */
  static async open(options: InfluxSinkOptions): Promise<InfluxSink> {
    const sink = new InfluxSink(options);
    await sink.spool.open();
    sink.kickReplay();
    return sink;
  }

  private get memoryMax(): number {
    return this.options.memoryMaxPoints ?? 100_000;
  }

  /** Queues the snapshot's points; never waits for the store and never throws for delivery. */
  async export(snapshot: Snapshot): Promise<void> {
    if (this.closed) throw new Error('InfluxSink: export after shutdown');
    const encoded = encodeSnapshot(snapshot);
    if (encoded.invalid > 0) {
      if (this.stats.dropped.invalid === 0) {
        this.options.log.warn(
          { samples: encoded.invalid },
          'samples that cannot be written (non-finite value, bad name or duplicate series) dropped',
        );
      }
      this.drop(encoded.invalid, 'invalid');
    }
    for (const line of encoded.lines) this.queue.push(line);
    const excess = this.queue.length - this.memoryMax;
    if (excess > 0) {
      this.queue.splice(0, excess);
      this.drop(excess, 'memory_full');
    }
    if (this.queue.length >= this.options.batchSize) void this.runLive(false);
    else this.armFlushTimer();
  }

  /** Resolves when every point handed over so far is written, rejected or in the spool. */
  flush(): Promise<void> {
    return this.runLive(true);
  }

  /** Flushes (spooling what the store does not take), waits for a replay in flight, stops timers. */
  async shutdown(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.retryTimer);
    clearTimeout(this.flushTimer);
    await this.runLive(true);
    await this.replaying;
  }

  /** Cumulative counts (a copy). */
  get counts(): InfluxStats {
    return { ...this.stats, dropped: { ...this.stats.dropped } };
  }

  /** Points not yet written: in memory and in the spool. */
  get pendingPoints(): number {
    return this.queue.length + this.spool.points;
  }

  /** The sink's self-metrics (`slurmscope_influx_*`), for the PrometheusExporter's sources. */
  metrics(): MetricFamily[] {
    const levels = { queuePoints: this.queue.length, spoolPoints: this.spool.points, spoolBytes: this.spool.bytes };
    return statsFamilies(this.stats, levels, this.options.output ?? '0');
  }

  /** Serializes live steps: one at a time, in call order. */
  private runLive(all: boolean): Promise<void> {
    const step = this.liveChain.then(() => this.liveStep(all));
    this.liveChain = step.catch((err: unknown) =>
      this.options.log.error({ err: (err as Error).message }, 'influx live write step failed'),
    );
    return this.liveChain;
  }

  /** Writes full batches (all of the queue when `all`): to the store when it is up and nothing older waits, else to the spool. */
  private async liveStep(all: boolean): Promise<void> {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const { batchSize } = this.options;
    while (this.queue.length >= batchSize || (all && this.queue.length > 0)) {
      const batch = this.queue.splice(0, batchSize);
      if (this.down || !this.spool.isEmpty) {
        await this.toSpool(batch);
        continue;
      }
      const d = await this.deliver(batch);
      if (d.failure) {
        this.fail(d.failure);
        await this.toSpool([...d.pending]);
      }
    }
    if (this.queue.length > 0) this.armFlushTimer();
  }

  /** Replays the spool, oldest first, until it is empty, the store fails again, or shutdown. */
  private kickReplay(): void {
    if (this.replaying || this.down || this.closed || this.spool.isEmpty) return;
    this.replaying = this.replayLoop()
      .catch((err: unknown) => this.options.log.error({ err: (err as Error).message }, 'influx spool replay failed'))
      .finally(() => {
        this.replaying = undefined;
      });
  }

  private async replayLoop(): Promise<void> {
    while (!this.down && !this.closed && !this.spool.isEmpty) {
      const batch = await this.spool.peek(this.options.batchSize);
      // Counts move before the chunks leave the spool, so written + pending never dips.
      const d = await this.deliver(batch.lines);
      this.stats.replayed += d.written;
      if (d.failure === undefined) {
        await this.spool.remove(batch.ids);
        continue;
      }
      if (d.pending.length === batch.lines.length) this.spool.release(batch.ids);
      else {
        // Part of a split batch went through: the rest goes back to the spool (behind newer
        // chunks; each point carries its own timestamp, so the store does not mind the order).
        await this.spool.append(d.pending);
        await this.spool.remove(batch.ids);
      }
      this.fail(d.failure);
    }
  }

  /** Sends a batch, split in halves on 413; counts what was written. */
  private async deliver(lines: readonly string[]): Promise<Delivery> {
    const d = await sendSplitting(lines, this.splitting);
    if (d.written > 0) {
      this.stats.written += d.written;
      this.succeeded();
    }
    return d;
  }

  private async toSpool(batch: string[]): Promise<void> {
    await this.spool.append(batch);
    this.stats.spooled += batch.length;
    this.kickReplay();
  }

  private async send(lines: readonly string[]): Promise<WriteFailure | undefined> {
    try {
      await this.influx.transport.request(this.target.path, lines.join('\n'), {
        method: 'POST',
        headers: { ...this.target.headers },
      });
      return undefined;
    } catch (err) {
      return classifyWriteError(err, Date.now(), this.target);
    }
  }

  private succeeded(): void {
    if (this.failures > 0)
      this.options.log.info({ spoolPoints: this.spool.points }, 'store reachable again; replaying the spool');
    this.failures = 0;
    this.loggedStatus.clear();
  }

  private reject(points: number, failure: WriteFailure): void {
    this.stats.rejected += points;
    if (this.loggedStatus.has(failure.status)) return;
    this.loggedStatus.add(failure.status);
    this.options.log.error(
      { status: failure.status, points, err: failure.message },
      'store rejected a batch (not retryable); dropped',
    );
  }

  /** One point that the store refuses as too large even alone: dropped, counted, logged once. */
  private dropTooLarge(failure: WriteFailure): void {
    this.drop(1, 'too_large');
    if (this.loggedStatus.has(failure.status)) return;
    this.loggedStatus.add(failure.status);
    this.options.log.error(
      { status: failure.status, err: failure.message },
      "a single point is too large for the store even alone (HTTP 413); dropped: raise the store's body limit",
    );
  }

  /** A retryable failure: spool from now on and try the spool head again after a backoff. */
  private fail(failure: WriteFailure): void {
    this.stats.retries++;
    this.failures++;
    if (this.failures === 1 && failure.misconfigured) {
      this.options.log.error(
        { status: failure.status, err: failure.message },
        'store refuses our writes until an admin fixes the config; spooling points until it accepts them',
      );
    } else if (this.failures === 1) {
      this.options.log.warn(
        { status: failure.status, err: failure.message },
        'store unreachable; spooling points until it answers',
      );
    }
    this.down = true;
    if (this.closed) return;
    const delay = backoffDelay(this.failures, this.backoff, this.options.random ?? Math.random, failure.retryAfterMs);
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.down = false;
      this.kickReplay();
    }, delay);
    this.retryTimer.unref();
  }

  private get backoff(): { baseMs: number; maxMs: number } {
    return { baseMs: this.options.retryBaseMs ?? 1000, maxMs: this.options.retryMaxMs ?? 60_000 };
  }

  private armFlushTimer(): void {
    if (this.flushTimer || this.closed) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      void this.runLive(true);
    }, this.options.flushIntervalMs);
    this.flushTimer.unref();
  }

  private drop(points: number, reason: DropCause): void {
    this.stats.dropped[reason] += points;
  }
}
