import { join } from 'node:path';
import { availableParallelism } from 'node:os';
import type { Logger } from '@slurmscope/model';
import type { NodeReport } from '@slurmscope/common';
import {
  advanceCounter,
  assignGpus,
  attachMinors,
  discoverJobs,
  discoverRapl,
  parseCpuList,
  readGpuAllocations,
  readJobs,
  readNvidiaGpuInfo,
  readPidJobs,
  raplResetError,
  readRapl,
  type GpuAssignment,
  type JobReading,
  type NvidiaGpuInfo,
  type RaplZone,
  type RaplZoneInfo,
} from './collectors/index.js';
import { readOptional } from './collectors/fs.js';
import { attributeEnergy } from './attribution.js';
import { buildFamilies } from './families.js';
import { nodeReport } from './node-report.js';
import { OomKillCounter } from './oom-kills.js';
import { AGENT_FAMILIES, NodeCounterFamily } from './metrics.js';
import type { AgentState } from './state.js';
import type { GpuSource } from './gpu-source.js';

export { nodeReport } from './node-report.js';

/** What the sampler needs: where to read, which node, and its collaborators. */
export interface SamplerOptions {
  readonly root: string;
  readonly node: string;
  readonly log: Logger;
  /** GPU readings; undefined when GPUs are off. */
  readonly gpu: GpuSource | undefined;
  /** Where the prolog hook's GPU records live (`<stateDir>/jobs/<jobid>.json`); undefined = none. */
  readonly stateDir: string | undefined;
  /** The state to continue (loaded from the state file) or a fresh one; mutated by each sample. */
  readonly state: AgentState;
}

/** One interval's derived values, shared by the metrics and the node report. */
export interface CycleData {
  readonly node: string;
  readonly nowMs: number;
  /** Seconds since the previous sample; undefined on the first. */
  readonly seconds: number | undefined;
  readonly cpus: number;
  readonly readings: readonly JobReading[];
  readonly utilization: ReadonlyMap<string, number>;
  readonly rapl: readonly RaplZone[];
  readonly gpus: readonly GpuAssignment[];
  readonly raplWatts: number | undefined;
  readonly gpuWatts: number | undefined;
  readonly state: AgentState;
}

/** The output of one sample. */
export interface Cycle {
  readonly data: CycleData;
  readonly families: ReturnType<typeof buildFamilies>;
  /** The report for ctld; undefined on the first sample (no interval yet). */
  readonly report: NodeReport | undefined;
  /** CPUs held by jobs (union of their cpusets), for the throttler. */
  readonly heldCpus: ReadonlySet<number>;
}

/**
 * The agent's cycle without I/O to outputs: reads cgroups, RAPL and GPUs under `root`, continues
 * the counters in `state`, shares the interval's energy among jobs (attribution.ts) and returns
 * the families, the node report and the cores that jobs hold. One broken item never stops the
 * others: it is logged once and counted in `slurmscope_collector_errors_total{node,collector}`.
 */
export class Sampler {
  /** `slurmscope_collector_errors_total{node,collector}`. */
  readonly errors: NodeCounterFamily;
  private readonly raplZones: RaplZoneInfo[];
  private gpuInfos: NvidiaGpuInfo[] | undefined;
  private readonly allocations = new Map<string, readonly number[]>();
  private readonly logged = new Set<string>();
  private readonly onlineCpus: readonly number[];
  /** Jobs whose cgroup could not be read in the last cycle. */
  private unread: ReadonlySet<string> = new Set();
  private readonly oomKills = new OomKillCounter();

  constructor(private readonly opts: SamplerOptions) {
    this.errors = new NodeCounterFamily(AGENT_FAMILIES.collectorErrors, opts.node);
    for (const collector of ['cgroup', 'rapl', 'gpu', 'state']) this.errors.inc({ collector }, 0);
    const rapl = discoverRapl(opts.root);
    this.raplZones = rapl.zones;
    for (const err of rapl.errors) this.fail('rapl', err);
    if (this.raplZones.length === 0) opts.log.debug({ root: opts.root }, 'no RAPL zones: node energy is not measured');
    this.onlineCpus = this.readOnlineCpus();
  }

  /** Takes one sample at `nowMs`. */
  sample(nowMs: number): Cycle {
    const { state } = this.opts;
    const seconds = state.sampleMs > 0 && nowMs > state.sampleMs ? (nowMs - state.sampleMs) / 1000 : undefined;
    const { readings, unread } = this.readJobs();
    const rapl = this.readRapl(seconds);
    const gpus = this.readGpus(readings);
    const { deltas, utilization } = this.cpuDeltas(readings, seconds);
    const power = seconds === undefined ? {} : this.attribute({ seconds, rapl, gpus, deltas });
    this.carryForward(readings, unread);
    state.sampleMs = nowMs;
    const errs = this.opts.gpu?.takeErrors() ?? 0;
    if (errs > 0) this.errors.inc({ collector: 'gpu' }, errs);

    const data: CycleData = {
      node: this.opts.node,
      nowMs,
      seconds,
      cpus: this.onlineCpus.length,
      readings,
      utilization,
      rapl: rapl.zones,
      gpus,
      raplWatts: power.raplWatts,
      gpuWatts: power.gpuWatts,
      state,
    };
    // A job that could not be read may hold any core: then none is free for the throttler.
    const heldCpus = new Set(unread.size > 0 ? this.onlineCpus : readings.flatMap((r) => r.cpus));
    return { data, families: buildFamilies(data, this.errors), report: nodeReport(data), heldCpus };
  }

  /** Each job's CPU-seconds and utilization over the interval (none for a job without a comparable previous reading). */
  private cpuDeltas(
    readings: readonly JobReading[],
    seconds: number | undefined,
  ): { deltas: Map<string, number>; utilization: Map<string, number> } {
    const deltas = new Map<string, number>();
    const utilization = new Map<string, number>();
    if (seconds === undefined) return { deltas, utilization };
    for (const r of readings) {
      const prev = this.opts.state.jobs[r.jobid]?.lastCpuSeconds;
      // After a cycle in which the job could not be read, its previous reading is two intervals old.
      if (prev === undefined || r.cpuSeconds < prev || this.unread.has(r.jobid)) continue;
      deltas.set(r.jobid, r.cpuSeconds - prev);
      if (r.cpus.length > 0) utilization.set(r.jobid, (r.cpuSeconds - prev) / seconds / r.cpus.length);
    }
    return { deltas, utilization };
  }

  /** Shares the interval's energy among the jobs (attribution.ts) into the state; returns the node's power. */
  private attribute(input: {
    seconds: number;
    rapl: { cpuJoules: number | undefined };
    gpus: readonly GpuAssignment[];
    deltas: ReadonlyMap<string, number>;
  }): { raplWatts?: number; gpuWatts?: number } {
    const { state } = this.opts;
    const { seconds, rapl, gpus } = input;
    const gpuEnergy = gpus
      .filter((a) => a.gpu.powerWatts !== undefined)
      .map((a) => ({ index: a.gpu.index, energyJoules: a.gpu.powerWatts! * seconds, jobs: a.jobids }));
    const attribution = attributeEnergy({
      seconds,
      cpus: this.onlineCpus.length,
      cpuEnergyJoules: rapl.cpuJoules,
      jobCpuSeconds: input.deltas,
      gpus: gpuEnergy,
    });
    for (const g of gpuEnergy) state.gpuJoules[g.index] = (state.gpuJoules[g.index] ?? 0) + g.energyJoules;
    state.restJoules += attribution.restJoules;
    state.nodeJoules += attribution.totalJoules;
    for (const [jobid, e] of attribution.jobs) {
      const acc = state.jobs[jobid];
      if (!acc) continue;
      acc.cpuJoules += e.cpuJoules;
      acc.gpuJoules += e.gpuJoules;
      acc.energyMeasured ||= attribution.measured;
    }
    for (const a of gpus) for (const jobid of a.jobids) if (state.jobs[jobid]) state.jobs[jobid].gpuSeconds += seconds;
    return {
      ...(rapl.cpuJoules === undefined ? {} : { raplWatts: rapl.cpuJoules / seconds }),
      ...(gpuEnergy.length === 0 ? {} : { gpuWatts: gpuEnergy.reduce((s, g) => s + g.energyJoules, 0) / seconds }),
    };
  }

  /**
   * Carries the readings forward. A job whose cgroup is gone is forgotten; a job that could not be
   * read this cycle (an error, counted) keeps its accumulators, so one bad read never restarts its
   * energy counters.
   */
  private carryForward(readings: readonly JobReading[], unread: ReadonlySet<string>): void {
    const { state } = this.opts;
    const present = new Set([...readings.map((r) => r.jobid), ...unread]);
    for (const jobid of Object.keys(state.jobs)) if (!present.has(jobid)) delete state.jobs[jobid];
    for (const jobid of this.allocations.keys()) if (!present.has(jobid)) this.allocations.delete(jobid);
    for (const r of readings) {
      const acc = (state.jobs[r.jobid] ??= {
        cpuJoules: 0,
        gpuJoules: 0,
        gpuSeconds: 0,
        energyMeasured: false,
        lastCpuSeconds: 0,
      });
      acc.lastCpuSeconds = r.cpuSeconds;
    }
    this.unread = new Set(unread);
  }

  /** The jobs' readings, and the jobs whose cgroup exists but could not be read (each error counted). */
  private readJobs(): { readings: JobReading[]; unread: Set<string> } {
    const { root, node, log } = this.opts;
    let discovery;
    try {
      discovery = discoverJobs({ root, node });
    } catch (err) {
      this.fail('cgroup', err as Error);
      // Nothing is known of the jobs this cycle: every one is kept as it was.
      return { readings: [], unread: new Set(Object.keys(this.opts.state.jobs)) };
    }
    for (const sluid of discovery.sluids) {
      this.once(`sluid:${sluid}`, () =>
        log.warn({ folder: sluid }, 'job cgroup named by SLUID (Slurm 26.05+): not mapped to a job id, skipped'),
      );
    }
    const result = readJobs(discovery.jobs, { pids: this.opts.gpu !== undefined });
    for (const { error } of result.errors) this.fail('cgroup', error);
    const readings = this.oomKills.apply(result.readings, new Set(discovery.jobs.map((j) => j.jobid)));
    return { readings, unread: new Set(result.errors.map((e) => e.jobid)) };
  }

  private readRapl(seconds: number | undefined): { zones: RaplZone[]; cpuJoules: number | undefined } {
    if (this.raplZones.length === 0) return { zones: [], cpuJoules: undefined };
    const { state } = this.opts;
    const r = readRapl(this.raplZones);
    for (const err of r.errors) this.fail('rapl', err);
    let cpuUj = 0;
    for (const zone of r.zones) {
      const prev = state.rapl[zone.id];
      const limits = { maxRange: zone.maxEnergyRangeUj, maxRate: zone.maxPowerUw };
      const step = advanceCounter(prev, zone.energyUj, limits, seconds);
      state.rapl[zone.id] = step.state;
      if (step.reset) this.fail('rapl', raplResetError(zone, prev?.raw ?? 0, seconds));
      if (zone.kind === 'package' || zone.kind === 'dram') cpuUj += step.delta;
    }
    return { zones: r.zones, cpuJoules: r.zones.length > 0 ? cpuUj / 1e6 : undefined };
  }

  private readGpus(readings: readonly JobReading[]): GpuAssignment[] {
    const source = this.opts.gpu;
    const raw = source?.gpus();
    if (!source || !raw || raw.length === 0) return [];
    const { root, stateDir } = this.opts;
    if (!this.gpuInfos || raw.some((g) => !this.gpuInfos!.some((i) => i.pciBusId === g.pciBusId))) {
      const info = readNvidiaGpuInfo(root);
      for (const err of info.errors) this.fail('gpu', err);
      this.gpuInfos = info.infos;
    }
    const gpus = attachMinors(raw, this.gpuInfos);
    const apps = source.apps() ?? [];
    const pidJobs = readPidJobs(
      root,
      apps.map((a) => a.pid),
    );
    const fresh = readings.filter((r) => !this.allocations.has(r.jobid));
    if (fresh.length > 0) {
      const alloc = readGpuAllocations({
        root,
        ...(stateDir === undefined ? {} : { stateDir: join(stateDir) }),
        jobs: fresh.map((r) => ({ jobid: r.jobid, pids: r.pids ?? [] })),
      });
      for (const err of alloc.errors) this.fail('gpu', err);
      // A job's allocation does not change while it runs: read it once, when first seen with processes.
      for (const r of fresh)
        if ((r.pids?.length ?? 0) > 0) this.allocations.set(r.jobid, alloc.allocations.get(r.jobid) ?? []);
      for (const [jobid, minors] of alloc.allocations) this.allocations.set(jobid, minors);
    }
    return assignGpus({ gpus, apps, pidJobs, allocations: this.allocations });
  }

  /** Online CPUs of the node (`sys/devices/system/cpu/online`), else as many as this process sees. */
  private readOnlineCpus(): number[] {
    const path = join(this.opts.root, 'sys/devices/system/cpu/online');
    try {
      const text = readOptional(path);
      const cpus = text === undefined ? [] : parseCpuList(text, path);
      if (cpus.length > 0) return cpus;
    } catch (err) {
      this.fail('cgroup', err as Error);
    }
    this.opts.log.warn({ path }, 'cannot read the online CPUs; using the CPUs this process sees');
    return Array.from({ length: availableParallelism() }, (_, i) => i);
  }

  private fail(collector: string, err: Error): void {
    this.errors.inc({ collector });
    this.once(`${collector}:${err.message}`, () =>
      this.opts.log.warn({ collector, err: err.message }, 'collector error'),
    );
  }

  /** Runs `fn` the first time `key` is seen (bounded, so a flood of distinct errors cannot grow memory). */
  private once(key: string, fn: () => void): void {
    if (this.logged.has(key)) return;
    if (this.logged.size > 10_000) this.logged.clear();
    this.logged.add(key);
    fn();
  }
}
