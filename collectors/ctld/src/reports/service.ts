import { errorMessage, runCommand, type CtldConfig, type NodeReport } from '@slurmscope/common';
import type { Logger, MetricFamily } from '@slurmscope/model';
import { createIntensitySource, type IntensitySource } from '../co2.js';
import type { FindingMailPort, FindingSource } from '../inspector/types.js';
import { ClusterEnergy } from '../co2/cluster.js';
import { eachSliced, runPaced, type PaceOptions } from '../slices.js';
import type { CommandRunner } from '../slurm/commands.js';
import type { SlurmSnapshot } from '../slurm/types.js';
import { buildReport } from './builder.js';
import { openArchive } from './service-setup.js';
import { reportFamilies, type ReportCounters } from './families.js';
import { TERMINAL_STATES, type SacctRecord } from './sacct.js';
import { askSacct, type SacctAnswer, type SacctExec } from './sacct-fetch.js';
import { JobTracker, type TrackedJob } from './tracker.js';
import type { JobReport, ReportArchive, ReportIndexEntry } from './types.js';

/** One poll cycle as ctld hands it to the report service. */
export interface ReportServiceCycle {
  readonly nowMs: number;
  readonly snapshot: SlurmSnapshot;
  readonly reports: readonly NodeReport[];
}

/** Job reports and CO2 for ctld: tracking, end detection, archive, metrics. */
export interface ReportService {
  /** Called once per poll cycle; writes the reports of jobs that ended. */
  observe(cycle: ReportServiceCycle): Promise<void>;
  get(jobid: string): Promise<JobReport | undefined>;
  /** The user of a stored report by the index, without reading it. */
  owner(jobid: string): string | undefined;
  list(opts: { user?: string; limit?: number }): Promise<ReportIndexEntry[]>;
  /** The index entries of reports that ended at or after `sinceMs` (GET /api/v1/co2), from memory. */
  co2Rows(sinceMs: number): ReportIndexEntry[];
  /** CO2/energy cluster totals, per-job CO2 of running jobs, report counters. */
  families(): MetricFamily[];
  /** True when ctld keeps this job's batch script already (agents stop sending it). */
  hasScript(jobid: string): boolean;
  close(): Promise<void>;
}

/** Options of {@link createReportService}. */
export interface ReportServiceOptions {
  readonly config: CtldConfig;
  readonly log: Logger;
  readonly cluster: string;
  /** Runs sacct and getent; `runCommand` by default, a fake in tests. */
  readonly run?: CommandRunner;
  /** Another store instead of the local filesystem. */
  readonly archive?: ReportArchive;
  readonly intensity?: IntensitySource;
  /** How `observe` paces its work over 30,000 jobs (default: a turn of the event loop every 5 ms). */
  readonly pace?: PaceOptions;
  /** Told of every report written (the mail service: end-of-job mails, the weekly summary); none: no mails. */
  readonly mail?: FindingMailPort;
  /** The live inspector: its findings about a job go into the job's report. */
  readonly findings?: FindingSource;
}

/** Cycles an ended job waits for its slurmdbd record before its report is written without it. */
export const MAX_RECORD_ATTEMPTS = 3;

/** Failed writes of a report before it is given up (counted apart from the record waits). */
export const MAX_WRITE_ATTEMPTS = 5;

/** An ended job on its way to the archive: two budgets, one per thing it waits for. */
interface Ending {
  /** Cycles spent waiting for slurmdbd's final record (up to MAX_RECORD_ATTEMPTS). */
  recordWaits: number;
  /** Failed writes of its report (up to MAX_WRITE_ATTEMPTS). */
  writeFailures: number;
  /** slurmdbd's final record once seen: kept across failed writes, never asked again. */
  record?: SacctRecord;
  dbdScript?: string;
}

/** Builds the report service: validates the CO2 source and admin group, opens the archive. */
export async function createReportService(opts: ReportServiceOptions): Promise<ReportService> {
  const { config, log } = opts;
  const run = opts.run ?? runCommand;
  const intensity = opts.intensity ?? (await createIntensitySource(config.co2, { log }));
  const archive = opts.archive ?? (await openArchive(opts, run));
  return new JobReportService({
    ...opts,
    intensity,
    archive,
    exec: {
      timeoutMs: config.slurm.timeout,
      run,
      ...(config.slurm.binDir === undefined ? {} : { binDir: config.slurm.binDir }),
    },
  });
}

interface ServiceParts extends ReportServiceOptions {
  readonly intensity: IntensitySource;
  readonly archive: ReportArchive;
  readonly exec: SacctExec;
}

/**
 * The report service: follows running jobs (tracker), notices those that ended, asks slurmdbd
 * once per cycle for their final records (and scripts no agent sent), writes each report once.
 */
class JobReportService implements ReportService {
  private readonly tracker: JobTracker;
  private readonly cluster: ClusterEnergy;
  private readonly ending = new Map<string, Ending>();
  private readonly counters: ReportCounters = {
    written: 0,
    errors: 0,
    abandoned: 0,
    sacctCalls: 0,
    sacctErrors: 0,
    dbdScripts: 0,
  };

  constructor(private readonly p: ServiceParts) {
    const co2 = { pue: p.config.co2.pue, nodeOverheadWatts: p.config.co2.nodeOverheadWatts, intensity: p.intensity };
    this.tracker = new JobTracker({ profilePoints: p.config.reports.profilePoints, ...co2 });
    this.cluster = new ClusterEnergy(co2);
  }

  async observe(cycle: ReportServiceCycle): Promise<void> {
    this.p.intensity.refresh(cycle.nowMs);
    await this.tracker.observePaced(cycle.nowMs, cycle.snapshot.jobs, cycle.reports, this.p.pace);
    this.cluster.observe(cycle.reports);
    const running = new Set(cycle.snapshot.jobs.map((j) => j.jobid));
    await runPaced(
      eachSliced(this.tracker.jobs.keys(), (id) => {
        if (running.has(id)) this.ending.delete(id);
        else if (!this.ending.has(id)) this.ending.set(id, { recordWaits: 0, writeFailures: 0 });
      }),
      this.p.pace,
    );
    if (this.ending.size > 0) await this.settle(cycle.nowMs);
  }

  get(jobid: string): Promise<JobReport | undefined> {
    return this.p.archive.get(jobid);
  }

  owner(jobid: string): string | undefined {
    return this.p.archive.owner(jobid);
  }

  list(o: { user?: string; limit?: number }): Promise<ReportIndexEntry[]> {
    return this.p.archive.list(o);
  }

  co2Rows(sinceMs: number): ReportIndexEntry[] {
    // A store without an in-memory index has nothing to offer here (never a scan of its files).
    return this.p.archive.endedSince?.(sinceMs) ?? [];
  }

  families(): MetricFamily[] {
    const { cluster, counters, tracker, ending } = this;
    const archive = this.p.archive.counts?.();
    return [
      ...reportFamilies({
        cluster,
        intensity: this.p.intensity,
        nowMs: Date.now(),
        jobs: tracker.jobs,
        ending: ending.size,
        counters,
        ...(archive === undefined ? {} : { archive }),
      }),
    ];
  }

  hasScript(jobid: string): boolean {
    return this.tracker.jobs.get(jobid)?.script !== undefined;
  }

  async close(): Promise<void> {
    await this.p.archive.close();
  }

  /** One cycle's work on ended jobs: one slurmdbd question for all still without a record, then each job. */
  private async settle(nowMs: number): Promise<void> {
    const waiting = [...this.ending].filter(([, e]) => e.record === undefined).map(([id]) => id);
    const answer = waiting.length > 0 ? await this.askSlurmdbd(waiting) : undefined;
    for (const [id, end] of [...this.ending]) {
      const job = this.tracker.jobs.get(id);
      if (job === undefined) this.ending.delete(id);
      else await this.settleJob(id, job, end, answer, nowMs);
    }
  }

  /** sacct for the records of `ids` and the scripts no agent sent; counted, a failure logged. */
  private async askSlurmdbd(ids: readonly string[]): Promise<SacctAnswer> {
    const needScript = ids.flatMap((id) => {
      const job = this.tracker.jobs.get(id);
      return job === undefined || job.script !== undefined || this.ending.get(id)?.dbdScript !== undefined
        ? []
        : [{ jobid: id, displayId: job.info.displayId }];
    });
    const answer = await askSacct(this.p.exec, ids, needScript);
    this.counters.sacctCalls += answer.calls;
    if (answer.recordError !== undefined || answer.scriptError !== undefined) {
      this.counters.sacctErrors++;
      this.p.log.warn({ records: answer.recordError, scripts: answer.scriptError }, 'sacct failed for ended jobs');
    }
    return answer;
  }

  /** Takes what slurmdbd said of one ended job; writes its report once its record is final or the wait is over. */
  private async settleJob(
    id: string,
    job: TrackedJob,
    end: Ending,
    answer: SacctAnswer | undefined,
    nowMs: number,
  ): Promise<void> {
    const rec = answer?.records?.get(id);
    const script = answer?.scripts?.get(rec?.displayId ?? job.info.displayId);
    if (script !== undefined && end.dbdScript === undefined) {
      end.dbdScript = script;
      this.counters.dbdScripts++;
    }
    if (rec !== undefined && TERMINAL_STATES.has(rec.state)) end.record = rec;
    if (end.record !== undefined) return this.finish(id, job, end, nowMs);
    if (rec !== undefined && !['RUNNING', 'COMPLETING'].includes(rec.state)) return; // suspended, requeued
    end.recordWaits++;
    if (end.recordWaits < MAX_RECORD_ATTEMPTS) return;
    if (end.recordWaits === MAX_RECORD_ATTEMPTS)
      this.p.log.warn({ jobid: id, state: rec?.state }, 'no final record from slurmdbd; writing the report without it');
    await this.finish(id, job, end, nowMs);
  }

  /** Builds and archives the report; a failed write is counted and retried next cycle, up to its own limit. */
  private async finish(id: string, job: TrackedJob, end: Ending, nowMs: number): Promise<void> {
    const report = this.build(job, end, nowMs);
    try {
      if ((await this.p.archive.put(report)) === 'written') {
        this.counters.written++;
        this.p.findings?.reported(report);
        this.p.mail?.ended(report);
      }
      this.forget(id);
    } catch (err) {
      this.counters.errors++;
      end.writeFailures++;
      const last = end.writeFailures >= MAX_WRITE_ATTEMPTS;
      this.p.log.error(
        { jobid: id, failures: end.writeFailures, err: errorMessage(err) },
        last ? 'cannot write job report; giving up' : 'cannot write job report; retrying next cycle',
      );
      if (last) {
        this.counters.abandoned++;
        this.forget(id);
      }
    }
  }

  private build(job: TrackedJob, end: Ending, nowMs: number): JobReport {
    const { config } = this.p;
    return buildReport({
      cluster: this.p.cluster,
      job,
      nowMs,
      ...(end.record === undefined ? {} : { record: end.record }),
      ...(end.dbdScript === undefined ? {} : { dbdScript: end.dbdScript }),
      co2: {
        pue: config.co2.pue,
        basis: config.co2.basis,
        source: this.p.intensity.kind,
        nodeOverheadWatts: config.co2.nodeOverheadWatts,
      },
      inspector: config.inspector,
      live: this.p.findings?.forReport(job.info.jobid) ?? [],
    });
  }

  private forget(id: string): void {
    this.tracker.jobs.delete(id);
    this.ending.delete(id);
  }
}
