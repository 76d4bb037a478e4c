import {
  ConfigError,
  errorMessage,
  readSecret,
  runCommand,
  type CtldConfig,
  type NodeReport,
} from '@slurmscope/common';
import type { Logger, MetricFamily } from '@slurmscope/model';
import { createIntensitySource, type IntensitySource } from '../co2.js';
import { UserMailer, type MailerOptions } from '../mail/mailer.js';
import { ClusterEnergy } from '../co2/cluster.js';
import { eachSliced, runPaced, type PaceOptions } from '../slices.js';
import type { CommandRunner } from '../slurm/commands.js';
import type { SlurmSnapshot } from '../slurm/types.js';
import { LocalArchive } from './archive.js';
import { buildReport } from './builder.js';
import { reportFamilies } from './families.js';
import { TERMINAL_STATES, type SacctRecord } from './sacct.js';
import { askSacct } from './sacct-fetch.js';
import { JobTracker } from './tracker.js';
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
  list(opts: { user?: string; limit?: number }): Promise<ReportIndexEntry[]>;
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
  /** Another mail transport (tests); SMTP from `config.smtp` by default. */
  readonly mailTransport?: MailerOptions['transport'];
}

/** Cycles an ended job waits for its slurmdbd record before its report is written without it. */
export const MAX_RECORD_ATTEMPTS = 3;

/** Counters of the report service, exposed as metrics. */
export interface ReportCounters {
  written: number;
  errors: number;
  sacctCalls: number;
  sacctErrors: number;
  dbdScripts: number;
}

interface Ending {
  attempts: number;
  dbdScript?: string;
}

/** Builds the report service: validates the CO2 source and admin group, opens the archive. */
export async function createReportService(opts: ReportServiceOptions): Promise<ReportService> {
  const { config, log } = opts;
  const run = opts.run ?? runCommand;
  const pace = opts.pace;
  const intensity = opts.intensity ?? (await createIntensitySource(config.co2, { log }));
  const gid = await resolveGroup(config.reports.adminGroup, run, config.slurm.timeout);
  const archive =
    opts.archive ??
    (await LocalArchive.open({
      dir: config.reports.dir,
      cluster: opts.cluster,
      log,
      ...(gid === undefined ? {} : { gid }),
    }));
  const mailer = createMailer(config, log, opts.mailTransport);
  const co2 = { pue: config.co2.pue, nodeOverheadWatts: config.co2.nodeOverheadWatts, intensity };
  const tracker = new JobTracker({ profilePoints: config.reports.profilePoints, ...co2 });
  const cluster = new ClusterEnergy(co2);
  const ending = new Map<string, Ending>();
  const counters: ReportCounters = { written: 0, errors: 0, sacctCalls: 0, sacctErrors: 0, dbdScripts: 0 };
  const exec = {
    timeoutMs: config.slurm.timeout,
    run,
    ...(config.slurm.binDir === undefined ? {} : { binDir: config.slurm.binDir }),
  };

  const finish = async (jobid: string, nowMs: number, record?: SacctRecord): Promise<void> => {
    const job = tracker.jobs.get(jobid);
    const end = ending.get(jobid);
    if (job === undefined || end === undefined) return;
    const report = buildReport({
      cluster: opts.cluster,
      job,
      nowMs,
      ...(record === undefined ? {} : { record }),
      ...(end.dbdScript === undefined ? {} : { dbdScript: end.dbdScript }),
      co2: {
        pue: config.co2.pue,
        basis: config.co2.basis,
        source: intensity.kind,
        nodeOverheadWatts: config.co2.nodeOverheadWatts,
      },
    });
    try {
      const r = await archive.put(report);
      if (r === 'written') {
        counters.written++;
        mailer?.notify(report);
      }
      tracker.jobs.delete(jobid);
      ending.delete(jobid);
    } catch (err) {
      counters.errors++;
      end.attempts++;
      log.error({ jobid, err: errorMessage(err) }, 'cannot write job report; retrying next cycle');
      if (end.attempts > MAX_RECORD_ATTEMPTS + 3) {
        log.error({ jobid }, 'giving up on this job report');
        tracker.jobs.delete(jobid);
        ending.delete(jobid);
      }
    }
  };

  const settle = async (nowMs: number): Promise<void> => {
    const ids = [...ending.keys()];
    const needScript = ids.flatMap((id) => {
      const job = tracker.jobs.get(id);
      return job === undefined || job.script !== undefined || ending.get(id)?.dbdScript !== undefined
        ? []
        : [{ jobid: id, displayId: job.info.displayId }];
    });
    const answer = await askSacct(exec, ids, needScript);
    counters.sacctCalls += answer.calls;
    if (answer.recordError !== undefined || answer.scriptError !== undefined) {
      counters.sacctErrors++;
      log.warn({ records: answer.recordError, scripts: answer.scriptError }, 'sacct failed for ended jobs');
    }
    for (const id of ids) {
      const end = ending.get(id);
      const job = tracker.jobs.get(id);
      if (end === undefined || job === undefined) continue;
      const rec = answer.records?.get(id);
      const script = answer.scripts?.get(rec?.displayId ?? job.info.displayId);
      if (script !== undefined && end.dbdScript === undefined) {
        end.dbdScript = script;
        counters.dbdScripts++;
      }
      if (rec !== undefined && TERMINAL_STATES.has(rec.state)) await finish(id, nowMs, rec);
      else if (rec !== undefined && !['RUNNING', 'COMPLETING'].includes(rec.state))
        continue; // suspended, requeued
      else if (++end.attempts >= MAX_RECORD_ATTEMPTS) {
        log.warn({ jobid: id, state: rec?.state }, 'no final record from slurmdbd; writing the report without it');
        await finish(id, nowMs);
      }
    }
  };

  return {
    async observe(cycle) {
      intensity.refresh(cycle.nowMs);
      await tracker.observePaced(cycle.nowMs, cycle.snapshot.jobs, cycle.reports, pace);
      cluster.observe(cycle.reports);
      const running = new Set(cycle.snapshot.jobs.map((j) => j.jobid));
      await runPaced(
        eachSliced(tracker.jobs.keys(), (id) => {
          if (running.has(id)) ending.delete(id);
          else if (!ending.has(id)) ending.set(id, { attempts: 0 });
        }),
        pace,
      );
      if (ending.size > 0) await settle(cycle.nowMs);
    },
    get: (jobid) => archive.get(jobid),
    list: (o) => archive.list(o),
    families: () => [
      ...reportFamilies({ cluster, intensity, nowMs: Date.now(), jobs: tracker.jobs, ending: ending.size, counters }),
      ...(mailer?.families() ?? []),
    ],
    hasScript: (jobid) => tracker.jobs.get(jobid)?.script !== undefined,
    async close() {
      await mailer?.close();
      await archive.close();
    },
  };
}

/** The mailer of `config.smtp`, or undefined while `smtp.host` is unset. */
function createMailer(
  config: CtldConfig,
  log: Logger,
  transport: MailerOptions['transport'] | undefined,
): UserMailer | undefined {
  const smtp = config.smtp;
  if (smtp.host === undefined) return undefined;
  const password = readSecret({
    file: smtp.passwordFile,
    envVar: 'SLURMSCOPE_SMTP_PASSWORD',
    key: 'smtp.passwordFile',
  });
  log.info(
    { host: smtp.host, port: smtp.port, userDomain: smtp.userDomain },
    'mails to users about poorly used jobs: on',
  );
  return new UserMailer({
    host: smtp.host,
    port: smtp.port,
    from: smtp.from,
    userDomain: smtp.userDomain,
    minElapsedSeconds: smtp.minElapsed / 1000,
    maxPerUserPerDay: smtp.maxPerUserPerDay,
    log,
    ...(smtp.user === undefined ? {} : { user: smtp.user }),
    ...(password === undefined ? {} : { password }),
    ...(transport === undefined ? {} : { transport }),
  });
}

/** The gid of `reports.adminGroup` (a gid, or a name resolved with `getent group`). */
export async function resolveGroup(
  group: string | undefined,
  run: CommandRunner,
  timeoutMs: number,
): Promise<number | undefined> {
  if (group === undefined) return undefined;
  if (/^\d+$/.test(group)) return Number(group);
  try {
    const r = await run('getent', ['group', group], { timeoutMs, maxBytes: 1024 * 1024 });
    const gid = Number(r.stdout.split(':')[2]);
    if (!Number.isInteger(gid)) throw new Error(`unexpected getent output ${JSON.stringify(r.stdout.slice(0, 80))}`);
    return gid;
  } catch (err) {
    throw new ConfigError('(config)', 'reports.adminGroup', `cannot resolve group "${group}": ${errorMessage(err)}`);
  }
}
