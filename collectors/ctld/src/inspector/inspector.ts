import { errorMessage, type FindingKind, type InspectorConfig, type NodeReport } from '@slurmscope/common';
import type { Logger, MetricFamily } from '@slurmscope/model';
import type { JobReport } from '../reports/types.js';
import type { JobInfo } from '../slurm/types.js';
import { eachSliced, runSteps, type Steps } from '../slices.js';
import type { Webjob } from '../webjobs.js';
import { oomKilled, SUSTAINED_CHECKS, worstNodes, type SustainedKind } from './checks/index.js';
import { addCycle, costOf, energyByJob, type CostSettings } from './cost.js';
import { inspectorFamilies } from './families.js';
import { isExempt, ruleFor } from './rules.js';
import { loadState, newEntry, saveState, type InspectorState, type JobEntry } from './state.js';
import { sustainStep } from './sustain.js';
import type { FindingMailPort, FindingSource, RaisedFinding } from './types.js';

/** Options of {@link LiveInspector}. */
export interface InspectorOptions {
  readonly config: InspectorConfig;
  readonly log: Logger;
  /** `co2.intensity` and `co2.pue`: the constant that prices a finding's energy so far. */
  readonly co2: { readonly intensity: number; readonly pue: number };
  /** ctld's cycle; a step longer than 3 of them adds no idle time (nobody measured it). */
  readonly intervalMs: number;
  /** Where the state is kept (`<stateDir>/inspector/state.json`); undefined: in memory only. */
  readonly stateFile?: string;
  readonly mail?: FindingMailPort;
  /** Most jobs kept (ended ones go first); default 100,000. */
  readonly maxJobs?: number;
  /** How long an ended job's findings wait for its report; default 7 days. */
  readonly keepEndedMs?: number;
}

/** One fresh cycle as the inspector reads it. */
export interface InspectorCycle {
  readonly nowMs: number;
  readonly cluster: string;
  /** Every job of the Slurm snapshot (a job absent from it has ended). */
  readonly jobs: readonly JobInfo[];
  /** The running jobs joined with the agents' figures. */
  readonly webjobs: readonly Webjob[];
  /** The node reports of the cycle: each job's cumulative energy per node. */
  readonly reports: readonly NodeReport[];
}

const SUSTAINED = Object.keys(SUSTAINED_CHECKS) as SustainedKind[];

/**
 * ctld's live inspector: each fresh cycle it judges every running job against the rules of
 * `inspector.rules` (grace, sustain, per-partition overrides, exemptions), raises a finding once
 * per job and kind, integrates what the job wastes, hands findings to the mail port once the job
 * ran `minElapsed`, and keeps all of it in its state file so that a restart neither forgets nor
 * repeats a finding. An ended job's findings wait there for its report.
 */
export class LiveInspector implements FindingSource {
  private readonly state: InspectorState;
  private readonly cost: CostSettings;
  private dirty = false;
  /** When figures that change every cycle (time held, cost) last marked the state to be written. */
  private lastMinuteMark = -Infinity;
  private lastSaveError: string | undefined;

  constructor(private readonly opts: InspectorOptions) {
    this.state =
      opts.stateFile === undefined ? { jobs: new Map(), totals: {} } : loadState(opts.stateFile, opts.log, Date.now());
    this.cost = { maxStepMs: 3 * opts.intervalMs, gramsPerKwh: opts.co2.intensity * opts.co2.pue };
  }

  /** Judges one fresh cycle; returns the active findings (running jobs') with their cost so far. */
  observe(c: InspectorCycle): RaisedFinding[] {
    return runSteps(this.observeSteps(c));
  }

  /**
   * {@link observe} in slices of jobs (see `runPaced`): 30,000 jobs take a few hundred ms, which
   * ctld's API must not wait for. The state is written once, after the last slice.
   */
  *observeSteps(c: InspectorCycle): Steps<RaisedFinding[]> {
    const byId = new Map(c.webjobs.map((w) => [w.jobid, w]));
    const energy = energyByJob(c.reports);
    const inSnapshot = new Set<string>();
    yield* eachSliced(
      c.jobs,
      (job) => {
        inSnapshot.add(job.jobid);
        this.noteRunning(job);
        const w = byId.get(job.jobid);
        if (job.state !== 'RUNNING' || w === undefined || isExempt(this.opts.config, job)) return;
        this.judge(c, job, w, energy.get(job.jobid));
      },
      128,
    );
    this.settleEnded(c.nowMs, inSnapshot);
    if (this.dirty) this.lastMinuteMark = c.nowMs; // any write carries the figures of the minute
    this.flush();
    return this.active();
  }

  /** The findings of running jobs (RUNNING in the latest snapshot), with their cost so far. */
  active(): RaisedFinding[] {
    return [...this.state.jobs.values()]
      .filter((e) => e.endedMs === undefined && e.notRunning !== true)
      .flatMap((e) => e.raised.map((f) => ({ ...f, cost: costOf(e.cost, this.cost) })));
  }

  /** `slurmscope_job_finding` of the active findings and `slurmscope_findings_total`. */
  families(): MetricFamily[] {
    return inspectorFamilies(this.active(), this.state.totals);
  }

  /** The findings raised about a job (running or ended, until its report took them), with their cost so far. */
  forReport(jobid: string): readonly RaisedFinding[] {
    const e = this.state.jobs.get(jobid);
    return e === undefined ? [] : e.raised.map((f) => ({ ...f, cost: costOf(e.cost, this.cost) }));
  }

  /** The job's report was written: its findings are forgotten, its end-of-job kinds counted in the totals. */
  reported(report: JobReport): void {
    const e = this.state.jobs.get(report.jobid);
    const live = new Set(e?.raised.map((f) => f.kind));
    for (const f of report.findings) if (!live.has(f.kind)) this.count(f.kind);
    this.state.jobs.delete(report.jobid);
    this.dirty = true;
  }

  /** Writes the state if it changed; a failure is logged (once per distinct error) and retried next cycle. */
  flush(): void {
    if (!this.dirty || this.opts.stateFile === undefined) return;
    try {
      saveState(this.opts.stateFile, this.state);
      this.dirty = false;
      this.lastSaveError = undefined;
    } catch (err) {
      const msg = errorMessage(err);
      if (msg !== this.lastSaveError)
        this.opts.log.error({ file: this.opts.stateFile, err: msg }, 'cannot write the inspector state');
      this.lastSaveError = msg;
    }
  }

  private judge(c: InspectorCycle, job: JobInfo, w: Webjob, energy: ReadonlyMap<string, number> | undefined): void {
    const entry = this.entry(job, c.nowMs);
    addCycle(entry.cost, w, energy, c.nowMs, this.cost);
    // The cost so far of a job worth a line in the state survives a restart, without a write every cycle.
    if (entry.raised.length > 0 || Object.keys(entry.sustain).length > 0) this.onceAMinute(c.nowMs);
    // A job without a start time cannot be given its grace: it is not judged.
    if (job.startTimeMs === undefined) return;
    const elapsedMs = Math.max(0, c.nowMs - job.startTimeMs);
    const ctx = { c, entry, elapsedMs };
    this.judgeOom(ctx, w);
    for (const kind of SUSTAINED) this.judgeSustained(ctx, w, kind);
    this.handOff(entry, elapsedMs);
  }

  private entry(job: JobInfo, nowMs: number): JobEntry {
    let e = this.state.jobs.get(job.jobid);
    if (e === undefined) {
      e = newEntry(job, nowMs);
      this.state.jobs.set(job.jobid, e);
    }
    // Names rarely change (a job moved to another partition): compare before writing, every cycle.
    if (
      e.partition !== job.partition ||
      e.account !== job.account ||
      e.user !== job.user ||
      e.displayId !== job.displayId
    )
      Object.assign(e, { displayId: job.displayId, user: job.user, account: job.account, partition: job.partition });
    e.lastSeenMs = nowMs;
    if (e.endedMs !== undefined) [e.endedMs, this.dirty] = [undefined, true]; // requeued: it runs again
    return e;
  }

  /** Notes whether a job it keeps is RUNNING: a requeued (PENDING) or SUSPENDED job's findings are not active. */
  private noteRunning(job: JobInfo): void {
    const e = this.state.jobs.get(job.jobid);
    if (e === undefined || (e.notRunning === true) === (job.state !== 'RUNNING')) return;
    if (job.state === 'RUNNING') delete e.notRunning;
    else e.notRunning = true;
    this.dirty = true;
  }

  private judgeOom(x: Judging, w: Webjob): void {
    const rule = ruleFor(this.opts.config, 'oom_killed', w.partition);
    const r = oomKilled(w, x.entry.oomSeen);
    if (JSON.stringify(r.seen) !== JSON.stringify(x.entry.oomSeen))
      [x.entry.oomSeen, this.dirty] = [{ ...r.seen }, true];
    if (!rule.enabled || !r.rose || this.has(x.entry, 'oom_killed')) return;
    this.raise(x, 'oom_killed', { value: r.total, threshold: 0, message: r.message, nodes: r.nodes });
  }

  private judgeSustained(x: Judging, w: Webjob, kind: SustainedKind): void {
    const rule = ruleFor(this.opts.config, kind, w.partition);
    const track = x.entry.sustain[kind];
    if (!rule.enabled || this.has(x.entry, kind)) {
      if (track !== undefined) {
        delete x.entry.sustain[kind];
        this.dirty = true;
      }
      return;
    }
    const r = SUSTAINED_CHECKS[kind](w, rule.threshold);
    const step = sustainStep({
      nowMs: x.c.nowMs,
      track,
      elapsedMs: x.elapsedMs,
      graceMs: rule.graceMs,
      sustainMs: rule.sustainMs,
      maxStepMs: this.cost.maxStepMs,
      holds: r.measured ? r.holds : undefined,
    });
    if (step.track !== track) {
      if (step.track === undefined) delete x.entry.sustain[kind];
      else x.entry.sustain[kind] = step.track;
      if (step.track === undefined || track === undefined) this.dirty = true;
      else this.onceAMinute(x.c.nowMs); // time held goes on: written at most once a minute, not every cycle
    }
    if (!step.fire || !r.measured) return;
    delete x.entry.sustain[kind];
    this.raise(x, kind, { value: r.value, threshold: rule.threshold, message: r.message, nodes: r.nodes });
  }

  private raise(
    x: Judging,
    kind: FindingKind,
    what: Pick<RaisedFinding, 'value' | 'threshold' | 'message' | 'nodes'>,
  ): void {
    const e = x.entry;
    const f: RaisedFinding = {
      jobid: e.jobid,
      displayId: e.displayId,
      cluster: x.c.cluster,
      user: e.user,
      account: e.account,
      partition: e.partition,
      kind,
      raisedAtMs: x.c.nowMs,
      elapsedSeconds: Math.round(x.elapsedMs / 1000),
      ...what,
      nodes: worstNodes(what.nodes),
      cost: costOf(e.cost, this.cost),
    };
    e.raised.push(f);
    this.count(kind);
    this.opts.log.info({ jobid: e.jobid, user: e.user, kind, value: what.value }, 'finding raised');
  }

  /** Passes each raised, not yet passed finding to the mail port, once the job ran `minElapsed`. */
  private handOff(e: JobEntry, elapsedMs: number): void {
    const mail = this.opts.mail;
    if (mail === undefined || elapsedMs < this.opts.config.minElapsed) return;
    for (const f of e.raised) {
      if (e.mailed.includes(f.kind)) continue;
      e.mailed.push(f.kind);
      this.dirty = true;
      try {
        // The figures at hand-off: a finding raised before minElapsed (an OOM kill at minute 3)
        // must not look too short to the mail service, which judges elapsedSeconds.
        mail.raised({ ...f, elapsedSeconds: Math.round(elapsedMs / 1000), cost: costOf(e.cost, this.cost) });
      } catch (err) {
        // The port promises not to throw; if it does, this finding is not offered again (no mail loop).
        this.opts.log.error({ jobid: e.jobid, kind: f.kind, err: errorMessage(err) }, 'mail port failed');
      }
    }
  }

  /** Jobs gone from the snapshot: their sustains end; their findings wait for the report (or expire). */
  private settleEnded(nowMs: number, inSnapshot: ReadonlySet<string>): void {
    const keep = this.opts.keepEndedMs ?? 7 * 24 * 3600 * 1000;
    for (const [id, e] of this.state.jobs) {
      if (inSnapshot.has(id)) continue;
      if (e.endedMs === undefined && e.raised.length > 0) [e.endedMs, e.sustain, this.dirty] = [nowMs, {}, true];
      else if (e.endedMs === undefined || nowMs - e.endedMs > keep) {
        this.dirty ||= e.endedMs !== undefined || Object.keys(e.sustain).length > 0;
        this.state.jobs.delete(id);
      }
    }
    this.bound();
  }

  /** At most `maxJobs` entries: ended jobs go first, the longest ended first; then the longest unseen. */
  private bound(): void {
    const max = this.opts.maxJobs ?? 100_000;
    const over = this.state.jobs.size - max;
    if (over <= 0) return;
    const order = [...this.state.jobs.values()].sort(
      (a, b) =>
        (b.endedMs === undefined ? 0 : 1) - (a.endedMs === undefined ? 0 : 1) ||
        (a.endedMs ?? a.lastSeenMs) - (b.endedMs ?? b.lastSeenMs),
    );
    for (const e of order.slice(0, over)) this.state.jobs.delete(e.jobid);
    this.opts.log.warn({ dropped: over, max }, 'inspector state full: dropped the oldest jobs');
    this.dirty = true;
  }

  /** Marks the state to be written if the last such mark is a minute old (a restart loses at most a minute). */
  private onceAMinute(nowMs: number): void {
    if (nowMs - this.lastMinuteMark < 60_000) return;
    this.lastMinuteMark = nowMs;
    this.dirty = true;
  }

  private has(e: JobEntry, kind: FindingKind): boolean {
    return e.raised.some((f) => f.kind === kind);
  }

  private count(kind: FindingKind): void {
    this.state.totals[kind] = (this.state.totals[kind] ?? 0) + 1;
    this.dirty = true;
  }
}

interface Judging {
  readonly c: InspectorCycle;
  readonly entry: JobEntry;
  readonly elapsedMs: number;
}
