import { join } from 'node:path';
import { cpuUsage } from 'node:process';
import { readSecret, runEvery, type AgentConfig, type NodeReport } from '@slurmscope/common';
import type { ExpositionPort, Logger, MetricFamily, Sink, Snapshot } from '@slurmscope/model';
import { MetricsServer } from '@slurmscope/prometheus';
import { readBootId } from './collectors/index.js';
import { CtldReporter, checkCtldTransport } from './ctld-reporter.js';
import { monitorSource, onceSource, type GpuSource } from './gpu-source.js';
import { AGENT_FAMILIES, withNode } from './metrics.js';
import { Sampler } from './sampler.js';
import { emptyState, loadState, saveState } from './state.js';
import { readBatchScript } from './batch-script.js';
import { findExecutable } from './which.js';
import { Throttler, calibrationPath, loadCalibration, throttleStatePath } from './throttle/index.js';
import { startHookServer } from './hooks/index.js';

/** What one agent process needs besides its config. Flags from the command line win over the file. */
export interface AgentOptions {
  readonly config: AgentConfig;
  readonly log: Logger;
  /** Filesystem root for /sys and /proc. */
  readonly root: string;
  /** Slurm node name. */
  readonly node: string;
  /** nvidia-smi executable, or undefined when GPUs are off. */
  readonly nvidiaSmi: string | undefined;
  /** Renders /metrics (and `--once`) from the agent's snapshots: the CLI passes the Prometheus text. */
  readonly exposition: ExpositionPort;
  /** Where each cycle's snapshot goes besides /metrics (InfluxDB, a test's memory); shut down when the agent stops. */
  readonly sinks?: readonly Sink[];
}

const FAMILIES = Object.values(AGENT_FAMILIES);

/** Takes one sample and returns the Prometheus text exposition; reads no state and writes none. */
export async function sampleOnce(opts: AgentOptions): Promise<string> {
  const gpu = await gpuSource(opts, 'once');
  const sampler = new Sampler({
    root: opts.root,
    node: opts.node,
    log: opts.log,
    gpu,
    stateDir: opts.config.stateDir,
    state: emptyState(opts.node, readBootId(opts.root)),
  });
  const cycle = sampler.sample(Date.now());
  await gpu?.stop();
  const snapshot: Snapshot = { timestampMs: cycle.data.nowMs, families: cycle.families };
  return opts.exposition({ families: FAMILIES, read: () => snapshot }).metrics();
}

/**
 * Runs the agent until `signal` aborts: a cycle every `interval` (sample → /metrics, InfluxDB,
 * ctld, state file), then flushes the outputs and saves the state. Outputs never block sampling.
 */
export async function runAgent(opts: AgentOptions, signal: AbortSignal): Promise<void> {
  const { config, log, node } = opts;
  // Before anything starts: a token bound for plain http:// beyond loopback stops the agent (exit 2).
  if (config.ctld.url) checkCtldTransport(config.ctld.url, config.ctld.allowInsecure);
  const stateFile = join(config.stateDir, `agent-${node}.json`);
  const bootId = readBootId(opts.root);
  const saved = await loadState(stateFile, node, log);
  const state = saved && saved.bootId === bootId ? saved : emptyState(node, bootId);
  if (saved && saved.bootId !== bootId)
    log.info({ stateFile }, 'new boot since the state was saved: counters start from the kernel values');
  else if (saved)
    log.info({ stateFile, jobs: Object.keys(saved.jobs).length }, 'state restored: per-job counters continue');

  const gpu = await gpuSource(opts, 'daemon');
  const sampler = new Sampler({ root: opts.root, node, log, gpu, stateDir: config.stateDir, state });
  let latest: Snapshot | undefined;
  // Families beside the sampler's, read live by /metrics. The ctld reporter's and the throttler's
  // (`shared`) also go to the sinks with each cycle's snapshot: an InfluxDB-only site must see a
  // broken agent→ctld link or throttling. The sinks' own health stays on /metrics only: exported
  // through the sinks it would feed itself (a failing InfluxDB spooling the points that count its
  // failures, each write reporting on the one before).
  const shared: Array<() => MetricFamily[]> = [];
  const sinkHealth: Array<() => MetricFamily[]> = [];

  const sinks = opts.sinks ?? [];
  for (const sink of sinks) if (sink.metrics) sinkHealth.push(() => withNode(sink.metrics?.() ?? [], node));
  const reporter = config.ctld.url
    ? new CtldReporter({
        url: config.ctld.url,
        token: readSecret({ file: config.ctld.tokenFile, envVar: 'SLURMSCOPE_AGENT_TOKEN', key: 'ctld.tokenFile' }),
        timeoutMs: config.ctld.timeout,
        log: log.child({ output: 'ctld' }),
        node,
        allowInsecure: config.ctld.allowInsecure,
      })
    : undefined;
  if (reporter) shared.push(() => reporter.metrics());

  const throttler = await startThrottler(opts);
  shared.push(() => throttler.metrics());
  const hooks = await startHookServer({
    socketPath: config.throttle.socket,
    handler: throttler,
    log: log.child({ part: 'hooks' }),
  }).catch((err: Error) => {
    log.error(
      { socket: config.throttle.socket, err: err.message },
      'cannot open the hook socket: prolog/epilog hooks will act on their own',
    );
    return undefined;
  });

  const server = new MetricsServer({
    listen: config.prometheus.listen,
    exporter: opts.exposition({ families: FAMILIES, read: () => latest, sources: [...sinkHealth, ...shared] }),
    log,
    title: `slurmscope agent on ${node}`,
  });
  const bound = await server.start();
  log.info(
    {
      listen: `${bound.host}:${bound.port}`,
      interval: config.interval,
      influxdb: config.influxdb.length > 0 ? config.influxdb.map((o) => `${o.name}: ${o.url}`) : 'off',
      ctld: config.ctld.url ?? 'off',
    },
    'agent started',
  );

  const cycle = async (): Promise<void> => {
    const t0 = performance.now();
    const cpu0 = cpuUsage();
    const c = sampler.sample(Date.now());
    throttler.update({
      heldCpus: c.heldCpus,
      jobIds: c.data.readings.map((r) => r.jobid),
      allHeld: c.data.readings.some((r) => r.cpus.length === 0),
      jobCpus: new Map(c.data.readings.map((r) => [r.jobid, r.cpus])),
    });
    latest = { timestampMs: c.data.nowMs, families: [...c.families, ...cycleFamilies(node, t0, cpu0)] };
    const exported = { ...latest, families: [...latest.families, ...shared.flatMap((f) => f())] };
    for (const sink of sinks) await sink.export(exported);
    if (reporter && c.report) void reporter.send(await withScripts(c.report, opts, reporter.scriptsKnown, log));
    try {
      await saveState(stateFile, state);
    } catch (err) {
      sampler.errors.inc({ collector: 'state' });
      log.error({ stateFile, err: (err as Error).message }, 'cannot save the agent state');
    }
  };

  await runEvery(config.interval, signal, cycle, log, 'sampling cycle');

  log.info({}, 'agent stopping: restoring throttled cores, flushing outputs, saving state');
  await hooks?.close();
  const restored = throttler.restoreAll();
  if (restored.failed.length > 0) log.error({ cpus: restored.failed }, 'could not restore every throttled core');
  await Promise.allSettled([gpu?.stop(), ...sinks.map((s) => s.shutdown()), server.close()]);
  await saveState(stateFile, state).catch((err: Error) =>
    log.error({ stateFile, err: err.message }, 'cannot save the agent state'),
  );
  log.info({}, 'agent stopped');
}

/** The throttler, with the calibration when one was saved, after restoring what a crashed run left throttled. */
async function startThrottler(opts: AgentOptions): Promise<Throttler> {
  const { config, log, node } = opts;
  const calibration = loadCalibration(calibrationPath(config.stateDir));
  const throttler = new Throttler({
    root: opts.root,
    node,
    mode: config.throttle.mode,
    method: config.throttle.method,
    graceMs: config.throttle.grace,
    ...(config.throttle.floorKHz === undefined ? {} : { floorKHz: config.throttle.floorKHz }),
    prologTimeoutMs: config.throttle.prologTimeout,
    stateFile: throttleStatePath(config.stateDir, node),
    log: log.child({ part: 'throttle' }),
    ...(calibration ? { wattsPerCoreSaved: calibration.wattsPerCoreSaved } : {}),
  });
  const recovered = throttler.recoverFromState();
  if (recovered.restored.length > 0)
    log.warn({ cpus: recovered.restored }, 'restored cores a previous run left throttled');
  return throttler;
}

function cycleFamilies(node: string, t0: number, cpu0: NodeJS.CpuUsage): MetricFamily[] {
  const cpu = cpuUsage(cpu0);
  return [
    { ...AGENT_FAMILIES.cycleSeconds, samples: [{ labels: { node }, value: (performance.now() - t0) / 1000 }] },
    { ...AGENT_FAMILIES.cycleCpuSeconds, samples: [{ labels: { node }, value: (cpu.user + cpu.system) / 1e6 }] },
  ];
}

async function withScripts(
  report: NodeReport,
  opts: AgentOptions,
  known: ReadonlySet<string>,
  log: Logger,
): Promise<NodeReport> {
  const jobs = await Promise.all(
    report.jobs.map(async (job) => {
      if (known.has(job.jobid)) return job;
      try {
        const script = await readBatchScript({
          root: opts.root,
          spoolDir: opts.config.slurm.spoolDir,
          node: opts.node,
          jobid: job.jobid,
        });
        return script === undefined ? job : { ...job, script };
      } catch (err) {
        log.warn({ jobid: job.jobid, err: (err as Error).message }, 'cannot read the batch script');
        return job;
      }
    }),
  );
  return { ...report, jobs };
}

async function gpuSource(opts: AgentOptions, mode: 'once' | 'daemon'): Promise<GpuSource | undefined> {
  if (opts.nvidiaSmi === undefined) return undefined;
  const command = findExecutable(opts.nvidiaSmi);
  if (command === undefined) {
    opts.log.debug({ nvidiaSmi: opts.nvidiaSmi }, 'nvidia-smi not found: no GPUs on this node');
    return undefined;
  }
  const { timeout } = opts.config.gpu;
  const log = opts.log.child({ collector: 'gpu' });
  return mode === 'once'
    ? onceSource({ command, timeoutMs: timeout, log })
    : monitorSource({ command, intervalMs: opts.config.interval, timeoutMs: timeout, log });
}
