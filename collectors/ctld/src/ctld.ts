import { runEvery, type CtldConfig } from '@slurmscope/common';
import type { ExpositionPort, FamilyDesc, FamilySource, Logger, MetricFamily, Sink, Snapshot } from '@slurmscope/model';
import type { HostPort } from '@slurmscope/prometheus';
import { createApiServer, loadTls } from './api/server.js';
import { defaultAssetsDir, loadPortalAssets } from './api/portal-assets.js';
import type { PortalOptions } from './api/routes-portal.js';
import type { ReportServicePort } from './api/report-port.js';
import { buildCycleView } from './api/cycle-view.js';
import { freshness, freshnessFamilies, type CycleView } from './api/view.js';
import { Authenticator } from './auth/authenticator.js';
import { loadAuthSettings } from './auth/load.js';
import { availabilityFamilies } from './availability-families.js';
import { openFindings, type CtldMail } from './ctld-findings.js';
import type { FindingSource } from './inspector/types.js';
import { ALL_CTLD_FAMILIES, CTLD_FAMILIES } from './metrics.js';
import { NodeReportStore } from './node-reports.js';
import { createReportService } from './reports/index.js';
import { SlurmPoller, pollerFamilies, type CommandRunner, type PollState } from './slurm/index.js';
import { computeWebjobsPaced, webjobsFamilies } from './webjobs.js';

/** What one ctld process needs besides its config. */
export interface CtldOptions {
  readonly config: CtldConfig;
  readonly log: Logger;
  /** Environment of the Slurm commands and of secrets from variables; default process.env. */
  readonly env?: NodeJS.ProcessEnv;
  /** Opens the job report service for a cluster; default {@link openReportService}. */
  readonly openReports?: (cluster: string) => Promise<ReportServicePort>;
  /** Renders /metrics (and `--once`) from ctld's families: the CLI passes the Prometheus text. */
  readonly exposition: ExpositionPort;
  /** Where each cycle's families go besides /metrics (InfluxDB, a test's memory); shut down when ctld stops. */
  readonly sinks?: readonly Sink[];
  /** The mail service of findings (tests: a recording port); by default from `smtp` (none while it is off). */
  readonly mail?: CtldMail;
}

/**
 * `ctld --once`: polls Slurm once (commands on PATH or `slurm.binDir`, SLURM_CONF from the
 * environment) and returns the Prometheus text of availability and the poll's own health.
 * A Slurm that does not answer is an error naming the command.
 */
export async function pollOnce(opts: CtldOptions): Promise<string> {
  const poller = new SlurmPoller({
    timeoutMs: opts.config.slurm.timeout,
    log: opts.log,
    ...(opts.config.slurm.binDir === undefined ? {} : { binDir: opts.config.slurm.binDir }),
    ...(opts.env === undefined ? {} : { env: opts.env }),
    useWorker: false,
  });
  try {
    const state = await poller.poll();
    if (!state.result) throw new Error(`Slurm poll failed: ${state.error ?? 'no result'}`);
    const families = [
      ...availabilityFamilies(state.result.availability),
      ...pollerFamilies(poller),
      ...freshnessFamilies(freshness({ poll: state }, Date.now(), opts.config.interval)),
    ];
    const snapshot: Snapshot = { timestampMs: Date.now(), families };
    return await opts.exposition({ families, read: () => snapshot }).metrics();
  } finally {
    await poller.close();
  }
}

/** Opens the job report service (archive in `reports.dir`, CO2) of a cluster. */
export function openReportService(opts: {
  config: CtldConfig;
  log: Logger;
  cluster: string;
  /** Runs sacct and getent (default runCommand); ctld passes its poller's worker-thread runner. */
  run?: CommandRunner;
  /** Told of every report written (end-of-job mails, the weekly summary). */
  mail?: CtldMail;
  /** The live inspector: its findings go into the job's report. */
  findings?: FindingSource;
}): Promise<ReportServicePort> {
  return createReportService(opts);
}

/** A running ctld, for the CLI (runCtld) and in-process tests. */
export interface CtldHandle {
  /** The API's bound address (the real port when 0 was asked). */
  readonly address: HostPort;
  readonly poller: SlurmPoller;
  /** The latest cycle; undefined before the first one finished. */
  view(): CycleView | undefined;
  /** Stops polling (after the cycle in flight), closes the API, shuts the sinks down (InfluxDB flushes), closes reports, writes the inspector's state, stops mail; once. */
  stop(): Promise<void>;
}

/**
 * Starts ctld: one Slurm poll per `interval` (aligned, never overlapping), node reports kept
 * in memory, webjobs, live findings (mailed through the mail service) and reports computed per cycle, the API and /metrics served from the last
 * cycle (readers never cause a Slurm call), and the cycle's families exported to the sinks.
 * Throws ConfigError for unusable TLS, listen or secret settings before anything starts.
 */
export async function startCtld(opts: CtldOptions): Promise<CtldHandle> {
  const { config, log } = opts;
  const env = opts.env ?? process.env;
  const tls = loadTls(config);
  const auth = new Authenticator(loadAuthSettings(config, env));
  const poller = new SlurmPoller({
    timeoutMs: config.slurm.timeout,
    log: log.child({ part: 'slurm' }),
    env,
    ...(config.slurm.binDir === undefined ? {} : { binDir: config.slurm.binDir }),
  });
  const store = new NodeReportStore({ maxAgeMs: config.nodeReports.maxAge, clockSkewMs: config.nodeReports.clockSkew });
  // The first poll runs before the API listens: it names the cluster, so that a report archive
  // that cannot open fails the start (when Slurm does not answer yet, the archive opens later).
  let firstPoll: PollState | undefined = await poller.poll(Date.now());
  const cluster = config.cluster ?? firstPoll.result?.snapshot.config.clusterName;
  const run = poller.runner === undefined ? {} : { run: poller.runner };
  const findings = await Promise.resolve()
    .then(() => openFindings({ config, log, cluster, ...run, ...(opts.mail === undefined ? {} : { mail: opts.mail }) }))
    .catch(closing([poller]));
  const open =
    opts.openReports ??
    ((cluster: string) =>
      openReportService({
        config,
        log: log.child({ part: 'reports' }),
        cluster,
        ...run,
        ...(findings.mail === undefined ? {} : { mail: findings.mail }),
        ...(findings.inspector === undefined ? {} : { findings: findings.inspector }),
      }));
  let reports = cluster === undefined ? undefined : await open(cluster).catch(closing([poller, findings]));
  const stats = { cycles: 0, cycleSeconds: 0, reportErrors: 0 };
  let view: CycleView | undefined;
  // The families of the last cycle, built at their first read (a scrape, the sinks' export):
  // 30,000 jobs make ~90,000 samples that a cycle without readers need not build.
  let latest: Snapshot | undefined;
  let buildLatest: (() => Snapshot) | undefined;
  const readLatest = (): Snapshot | undefined => {
    if (buildLatest !== undefined) [latest, buildLatest] = [buildLatest(), undefined];
    return latest;
  };

  const sinks = opts.sinks ?? [];
  const sources: FamilySource[] = [
    () => pollerFamilies(poller),
    // The API's freshness, not the poller's: during a hung poll both say stale.
    () => freshnessFamilies(freshness(view, Date.now(), config.interval)),
    () => store.families(Date.now()),
    () => reports?.families() ?? [],
    () => findings.families(),
    () => selfFamilies(stats),
  ];
  for (const sink of sinks) if (sink.metrics) sources.push(() => sink.metrics?.() ?? []);
  const declared = [...ALL_CTLD_FAMILIES, ...store.families(0)];
  const portal = config.portal.enabled
    ? await openPortal(config, log).catch(closing([poller, reports, findings]))
    : undefined;
  const server = createApiServer({
    listen: config.api.listen,
    tls,
    exposition: opts.exposition({ families: declared, read: readLatest, sources }),
    web: { corsOrigins: config.api.corsOrigins, frameAncestors: config.portal.frameAncestors },
    co2WindowMs: config.portal.co2Window,
    ...(portal === undefined
      ? {}
      : { portal: { ...portal, cluster: () => cluster ?? view?.poll.result?.snapshot.config.clusterName ?? null } }),
    ctx: {
      view: () => view,
      reports: () => reports,
      intervalMs: config.interval,
      auth,
      nodeReports: store,
      now: Date.now,
      log: log.child({ part: 'api' }),
      title: `slurmscope ctld${cluster === undefined ? '' : ` (cluster ${cluster})`}`,
    },
  });

  const cycle = async (): Promise<void> => {
    const t0 = performance.now();
    const poll = firstPoll ?? (await poller.poll(Date.now()));
    firstPoll = undefined;
    const nowMs = Date.now();
    // Reports are checked against this poll's snapshot: a job that started since the last one is known now.
    const nodeReports = store.latest(nowMs, poll.result?.snapshot);
    const snapshot = poll.result?.snapshot;
    // Each step below gives the event loop back every few ms: the API answers while a cycle computes.
    const webjobs = await computeWebjobsPaced({ jobs: snapshot?.jobs ?? [], reports: nodeReports, nowMs });
    const fresh = poll.result !== undefined && !poll.stale;
    // The inspector judges fresh snapshots only (a failed poll says nothing of the jobs): it runs
    // before the report service, so that a job that ended is no longer active when its report is built.
    const active =
      fresh && snapshot !== undefined
        ? await findings.observe({
            nowMs,
            cluster: cluster ?? snapshot.config.clusterName ?? 'slurm',
            jobs: snapshot.jobs,
            webjobs,
            reports: nodeReports,
          })
        : findings.active();
    view = await buildCycleView({ cycle: ++stats.cycles, nowMs, poll, webjobs, findings: active });
    // The families built from the previous cycle (~90,000 samples) are never read again: drop them now.
    latest = undefined;
    buildLatest = () => ({
      timestampMs: nowMs,
      families: [...(poll.result ? availabilityFamilies(poll.result.availability) : []), ...webjobsFamilies(webjobs)],
    });
    // The report service learns only from fresh snapshots: a failed poll says nothing about jobs ending.
    if (fresh && snapshot !== undefined) {
      try {
        reports ??= await open(snapshot.config.clusterName ?? 'slurm');
        await reports.observe({ nowMs, snapshot, reports: nodeReports });
      } catch (err) {
        stats.reportErrors++;
        log.error({ err: (err as Error).message }, 'job reports failed this cycle');
      }
    }
    stats.cycleSeconds = (performance.now() - t0) / 1000;
    if (sinks.length > 0) {
      const families = [...(fresh ? (readLatest()?.families ?? []) : []), ...sources.flatMap((s) => s())];
      for (const sink of sinks) await sink.export({ timestampMs: nowMs, families });
    }
  };

  const address = await server
    .start()
    .catch(closing([poller, reports, findings, ...sinks.map((s) => ({ close: () => s.shutdown() }))]));
  log.info(
    {
      listen: `${address.host}:${address.port}`,
      tls: tls !== undefined,
      interval: config.interval,
      influxdb: config.influxdb.length > 0 ? config.influxdb.map((o) => `${o.name}: ${o.url}`) : 'off',
      agentToken: auth.agentTokenRequired,
    },
    'ctld started',
  );
  if (!auth.agentTokenRequired) log.warn({}, 'no auth.agentTokenFile: node reports are accepted without a token');
  const ctl = new AbortController();
  const loop = runEvery(config.interval, ctl.signal, cycle, log, 'ctld cycle');
  let stopping: Promise<void> | undefined;

  return {
    address,
    poller,
    view: () => view,
    // Once: a second call (a test's cleanup after its own stop) waits for the first.
    stop: () =>
      (stopping ??= (async () => {
        ctl.abort();
        await loop;
        const results = await Promise.allSettled([
          server.close(),
          ...sinks.map((s) => s.shutdown()),
          reports?.close(),
          poller.close(),
          findings.close(),
        ]);
        for (const r of results)
          if (r.status === 'rejected') log.error({ err: String(r.reason) }, 'ctld shutdown step failed');
        log.info({ cycles: stats.cycles, polls: poller.polls, commands: poller.callCounts }, 'ctld stopped');
      })()),
  };
}

/** Reads the portal's built assets (portal.assetsDir, else grafana-plugins beside ctld) and logs what it holds. */
async function openPortal(config: CtldConfig, log: Logger): Promise<Omit<PortalOptions, 'cluster'>> {
  const plog = log.child({ part: 'portal' });
  const assets = await loadPortalAssets({ dir: config.portal.assetsDir ?? defaultAssetsDir(), log: plog });
  if (assets.missing === undefined)
    plog.info(
      { folder: assets.dir, files: assets.files.size, bytes: assets.bytes, refused: assets.refused },
      'portal assets loaded',
    );
  return { assets, intervalMs: config.interval, co2WindowMs: config.portal.co2Window };
}

/** A rejection handler that closes what a failed start already opened, then rethrows. */
function closing(parts: ReadonlyArray<{ close(): Promise<void> } | undefined>): (err: unknown) => Promise<never> {
  return async (err) => {
    await Promise.allSettled(parts.map((p) => p?.close()));
    throw err;
  };
}

/** Runs ctld until `signal` aborts (SIGTERM/SIGINT in the CLI), then stops it cleanly. */
export async function runCtld(opts: CtldOptions, signal: AbortSignal): Promise<void> {
  const handle = await startCtld(opts);
  if (!signal.aborted)
    await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  opts.log.info({}, 'ctld stopping: finishing the cycle, flushing outputs');
  await handle.stop();
}

function selfFamilies(stats: { cycles: number; cycleSeconds: number; reportErrors: number }): MetricFamily[] {
  const one = (desc: FamilyDesc, value: number): MetricFamily => ({ ...desc, samples: [{ labels: {}, value }] });
  return [
    one(CTLD_FAMILIES.ctldCycles, stats.cycles),
    one(CTLD_FAMILIES.ctldCycleSeconds, stats.cycleSeconds),
    one(CTLD_FAMILIES.ctldReportErrors, stats.reportErrors),
  ];
}
