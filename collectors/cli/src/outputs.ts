import { readSecret, type AgentConfig } from '@slurmscope/common';
import type { ExpositionPort, Logger, Sink } from '@slurmscope/model';

/** The `influxdb` section, the same in agent.yaml and ctld.yaml. */
export type InfluxSettings = AgentConfig['influxdb'];

/** What a daemon writes to: its /metrics exposition and its sinks (none, or InfluxDB). */
export interface DaemonOutputs {
  readonly exposition: ExpositionPort;
  readonly sinks: Sink[];
}

/** The Prometheus text exposition, loaded at first use: `--once` and the daemons only. */
export async function prometheusPort(log: Logger): Promise<ExpositionPort> {
  const { prometheusExposition } = await import('@slurmscope/prometheus');
  return prometheusExposition(log);
}

/**
 * Opens the InfluxDB sink of a daemon from its `influxdb` section (token from `tokenFile` or
 * SLURMSCOPE_INFLUX_TOKEN, spool in `spoolDir` or `defaultSpoolDir`); undefined when no `url`
 * is set. The client is loaded only then: ~1.5 MB resident that a Prometheus-only node never uses.
 */
export async function openInfluxSink(o: {
  readonly settings: InfluxSettings;
  readonly defaultSpoolDir: string;
  readonly log: Logger;
  readonly env?: NodeJS.ProcessEnv;
}): Promise<Sink | undefined> {
  const c = o.settings;
  if (!c.url) return undefined;
  const { InfluxSink } = await import('@slurmscope/influxdb');
  return InfluxSink.open({
    url: c.url,
    token: readSecret({ file: c.tokenFile, envVar: 'SLURMSCOPE_INFLUX_TOKEN', env: o.env, key: 'influxdb.tokenFile' }),
    org: c.org,
    bucket: c.bucket,
    batchSize: c.batchSize,
    flushIntervalMs: c.flushInterval,
    timeoutMs: c.timeout,
    spoolDir: c.spoolDir ?? o.defaultSpoolDir,
    spoolMaxBytes: c.spoolMaxBytes,
    log: o.log.child({ output: 'influxdb' }),
  });
}

/** A daemon's outputs from its config: the Prometheus exposition, and InfluxDB when `influxdb.url` is set. */
export async function openOutputs(o: {
  readonly influxdb: InfluxSettings;
  readonly defaultSpoolDir: string;
  readonly log: Logger;
  readonly env?: NodeJS.ProcessEnv;
}): Promise<DaemonOutputs> {
  const exposition = await prometheusPort(o.log);
  const influx = await openInfluxSink({ settings: o.influxdb, ...o });
  return { exposition, sinks: influx === undefined ? [] : [influx] };
}
