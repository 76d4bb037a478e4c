import { errorMessage } from '@slurmscope/common';
import type { Logger, MetricFamily } from '@slurmscope/model';
import { CoreWriter } from './actions.js';
import { throttleFamilies } from './metrics.js';
import type { ThrottleMethod } from './plan.js';
import { readTopology, type Topology } from './topology.js';
import { JobTracker } from './tracker.js';

/** Options of a Throttler; times in milliseconds, frequencies in kHz. */
export interface ThrottlerOptions {
  /** Filesystem root above `sys/devices/system/cpu`. */
  readonly root: string;
  /** Slurm node name (the metrics' `node` label). */
  readonly node: string;
  readonly mode: 'off' | 'node' | 'core';
  readonly method: ThrottleMethod;
  /** How long a core (node mode: the node) must be free of jobs before it is throttled. */
  readonly graceMs: number;
  /** Floor of `max_freq`; absent = each core's `cpuinfo_min_freq`. */
  readonly floorKHz?: number;
  /** After a prolog, its cores stay untouched until the job's cgroup came and went, or this long. */
  readonly prologTimeoutMs: number;
  /** The state file (see throttleStatePath): original values, persisted before any write to /sys. */
  readonly stateFile: string;
  readonly log: Logger;
  /** Clock in ms; default performance.now (monotonic). */
  readonly now?: () => number;
  /** From the calibration: idle W per core at full clock minus at the floor; enables the energy estimate. */
  readonly wattsPerCoreSaved?: number;
}

/** One cycle's view of the node's jobs. */
export interface ThrottleInput {
  /** CPUs held by jobs: the union of the job cpusets. */
  readonly heldCpus: ReadonlySet<number>;
  /** Jobs with a cgroup on the node now. */
  readonly jobIds: readonly string[];
  /** True when some job's CPUs are unknown (no cpuset): every core then counts as held. */
  readonly allHeld?: boolean;
  /** Each job's CPUs, where its cgroup shows them (narrows a whole-node prolog protection). */
  readonly jobCpus?: ReadonlyMap<string, readonly number[]>;
}

/**
 * Lowers the clock of CPUs no job holds, after a grace period, and restores them when a job
 * comes. Driven by the agent's cycle (`update`) and by the hooks (`prolog`, `epilog`). Never
 * lowers a held CPU; keeps the original values in the state file before writing to /sys.
 * Synchronous: cpufreq writes are in-memory kernel calls, and a prolog must be answered fast.
 */
export class Throttler {
  private readonly now: () => number;
  private readonly tracker: JobTracker;
  private readonly cores: CoreWriter;
  private loaded = false;
  private topology: Topology | undefined;
  /** Groups free of jobs, by key, with the time their grace started. */
  private readonly idleSince = new Map<string, number>();
  private busyKeys = new Set<string>();
  private lastAccountAt: number;

  constructor(private readonly opts: ThrottlerOptions) {
    this.now = opts.now ?? (() => performance.now());
    this.lastAccountAt = this.now();
    this.tracker = new JobTracker(opts.prologTimeoutMs, opts.log);
    this.cores = new CoreWriter(opts);
  }

  /** CPUs lowered now, sorted. */
  throttledCpus(): number[] {
    return [...this.cores.throttled].sort((a, b) => a - b);
  }

  /**
   * Loads the state file and restores every core it lists (what a crashed agent left throttled);
   * call once at start. A corrupt file is moved aside (`.corrupt-<ms>`) and logged.
   */
  recoverFromState(): { restored: number[]; failed: number[] } {
    this.loaded = true;
    const cpus = this.cores.load();
    const result = this.restore(cpus);
    if (cpus.length > 0)
      this.opts.log.info(
        { restored: result.restored, failed: result.failed },
        'restored cores left throttled by a previous run',
      );
    return result;
  }

  /** One cycle: restores CPUs that jobs (or prologs) hold, throttles those free for the grace period. */
  update(input: ThrottleInput): void {
    const now = this.begin();
    const jobs = this.tracker.observe(input.jobIds, now, input.jobCpus);
    const topo = this.ensureTopology();
    if (topo === undefined) return;
    const busy = new Set(input.heldCpus);
    for (const c of jobs.protectedCpus) busy.add(c);
    const allBusy =
      this.opts.mode === 'off' ||
      input.allHeld === true ||
      jobs.protectAll ||
      (this.opts.mode === 'node' && input.jobIds.length > 0);
    const toRestore: number[] = [];
    const toThrottle: number[] = [];
    const busyKeys = new Set<string>();
    for (const g of topo.groups) {
      if (allBusy || g.members.some((c) => busy.has(c))) {
        busyKeys.add(g.key);
        this.idleSince.delete(g.key);
        toRestore.push(...g.members.filter((c) => this.cores.throttled.has(c)));
        continue;
      }
      let since = this.idleSince.get(g.key);
      if (since === undefined) {
        since = this.busyKeys.has(g.key) ? jobs.freedAt : now;
        this.idleSince.set(g.key, since);
      }
      if (now - since >= this.opts.graceMs) {
        toThrottle.push(
          ...g.members.filter(
            (c) => topo.writable.includes(c) && !this.cores.throttled.has(c) && !this.cores.refused.has(c),
          ),
        );
      }
    }
    this.busyKeys = busyKeys;
    this.restore(toRestore);
    this.throttle(toThrottle);
  }

  /**
   * A job is about to start (Slurm Prolog): restores its CPUs and their hyper-thread siblings (all
   * CPUs when `cpus` is unknown, or in node mode) now, and protects them until the job's cgroup has
   * appeared and gone again, or the prolog timeout. Returns the CPUs restored.
   */
  prolog(msg: { jobid: string; cpus?: readonly number[] }): number[] {
    const now = this.begin();
    const topo = this.ensureTopology();
    const whole = msg.cpus === undefined || msg.cpus.length === 0 || this.opts.mode === 'node' || topo === undefined;
    const wanted = new Set<number>(whole ? [] : msg.cpus);
    for (const g of topo?.groups ?? []) {
      if (whole || g.members.some((c) => wanted.has(c))) {
        for (const c of g.members) wanted.add(c);
        this.idleSince.delete(g.key);
      }
    }
    this.tracker.prolog(msg.jobid, whole ? undefined : wanted, now);
    const changed = this.cores.changed();
    const { restored } = this.restore(whole ? changed : changed.filter((c) => wanted.has(c)));
    this.opts.log.info(
      { jobid: msg.jobid, cpus: whole ? 'all' : [...wanted].sort((a, b) => a - b), restored },
      'prolog: cores restored and protected',
    );
    return restored;
  }

  /** A job ended (Slurm Epilog): ends its protection, and its CPUs' grace starts now, not at the next cycle. */
  epilog(msg: { jobid: string }): void {
    const now = this.begin();
    this.tracker.epilog(msg.jobid, now);
    this.opts.log.debug({ jobid: msg.jobid }, 'epilog: job ended');
  }

  /** Restores every core the throttler changed (agent stop). Returns the CPUs restored and those that failed. */
  restoreAll(): { restored: number[]; failed: number[] } {
    this.begin();
    this.idleSince.clear();
    return this.restore(this.cores.changed());
  }

  /** The throttler's metric families (throttled cores, core-seconds, errors, energy saved when calibrated). */
  metrics(): MetricFamily[] {
    this.account(this.now());
    const w = this.opts.wattsPerCoreSaved;
    return throttleFamilies({
      node: this.opts.node,
      throttledCores: this.cores.throttled.size,
      coreSeconds: this.cores.state.totals.coreSeconds,
      errors: this.cores.state.totals.errors,
      ...(w === undefined ? {} : { energyJoules: this.cores.state.totals.energyJoules }),
    });
  }

  /** Accounts time up to now and makes sure the state file was read (never overwrite a crash's originals). */
  private begin(): number {
    if (!this.loaded) this.recoverFromState();
    const now = this.now();
    this.account(now);
    return now;
  }

  private account(now: number): void {
    const coreSeconds = (this.cores.throttled.size * Math.max(0, now - this.lastAccountAt)) / 1000;
    this.lastAccountAt = now;
    this.cores.state.totals.coreSeconds += coreSeconds;
    const w = this.opts.wattsPerCoreSaved;
    if (w !== undefined && w > 0) this.cores.state.totals.energyJoules += coreSeconds * w;
  }

  private ensureTopology(): Topology | undefined {
    if (this.topology !== undefined) return this.topology;
    if (this.opts.mode === 'off') return undefined;
    try {
      const { topology, problems } = readTopology(this.opts.root, this.opts.mode);
      for (const p of problems) this.cores.error({ problem: p }, 'cpu topology');
      if (topology.withoutCpufreq.length > 0) {
        this.opts.log.warn(
          { cpus: topology.withoutCpufreq },
          'CPUs without cpufreq (no driver, or policy missing): never throttled',
        );
      }
      this.topology = topology;
      return topology;
    } catch (err) {
      this.cores.error({ err: errorMessage(err) }, 'cannot read the CPU list; nothing throttled this cycle');
      return undefined;
    }
  }

  private restore(cpus: readonly number[]): { restored: number[]; failed: number[] } {
    const result = this.cores.restore(cpus);
    this.checkVanished();
    return result;
  }

  private throttle(cpus: readonly number[]): void {
    this.cores.throttle(cpus);
    this.checkVanished();
  }

  /** A core vanished: re-read the topology next cycle. */
  private checkVanished(): void {
    if (!this.cores.vanished) return;
    this.cores.vanished = false;
    this.topology = undefined;
  }
}
