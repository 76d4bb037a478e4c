import { join } from 'node:path';
import { ConfigError, readSecret, type AgentConfig } from '@slurmscope/common';
import type { ExpositionPort, Logger, Sink } from '@slurmscope/model';

/** The `influxdb` section, the same in agent.yaml and ctld.yaml: the enabled outputs. */
export type InfluxSettings = AgentConfig['influxdb'];

/** One enabled output of the `influxdb` section. */
export type InfluxOutput = InfluxSettings[number];

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

/** Where an output spools: its `spoolDir`, else the daemon's default (a list entry: a sub-directory named after it). */
export function spoolDirOf(output: InfluxOutput, defaultSpoolDir: string): string {
  if (output.spoolDir !== undefined) return output.spoolDir;
  return output.spoolSubdir === undefined ? defaultSpoolDir : join(defaultSpoolDir, output.spoolSubdir);
}

/**
 * Opens the InfluxDB sink(s) of a daemon from its `influxdb` section (secrets from files or
 * SLURMSCOPE_INFLUX_TOKEN / SLURMSCOPE_INFLUX_PASSWORD, each output spooling in its own
 * directory); undefined when no output is enabled; several outputs behind one FanoutSink. The
 * client is loaded only then: ~1.5 MB resident that a Prometheus-only node never uses.
 */
export async function openInfluxSink(o: {
  readonly settings: InfluxSettings;
  readonly defaultSpoolDir: string;
  readonly log: Logger;
  readonly env?: NodeJS.ProcessEnv;
}): Promise<Sink | undefined> {
  const outputs = o.settings;
  if (outputs.length === 0) return undefined;
  const dirs = outputs.map((c) => spoolDirOf(c, o.defaultSpoolDir));
  dirs.forEach((dir, i) => {
    const j = dirs.indexOf(dir);
    if (j !== i)
      throw new ConfigError('(config)', `influxdb.${i}.spoolDir`, `${dir} is already the spool of output ${j}`);
  });
  const { FanoutSink, InfluxSink } = await import('@slurmscope/influxdb');
  const sinks: Sink[] = [];
  try {
    for (const [i, c] of outputs.entries()) {
      const key = c.spoolSubdir === undefined ? 'influxdb' : `influxdb.${i}`;
      sinks.push(
        await InfluxSink.open({
          ...sinkOptions(c, key, o.env),
          spoolDir: dirs[i]!,
          log: o.log.child({ output: c.name }),
        }),
      );
    }
  } catch (err) {
    // A later output's secret or spool failed: the ones already open release their timers.
    await Promise.allSettled(sinks.map((s) => s.shutdown()));
    throw err;
  }
  return sinks.length === 1 ? sinks[0] : new FanoutSink(sinks);
}

/** An output's settings as sink options, secrets read here (never logged). */
function sinkOptions(c: InfluxOutput, key: string, env: NodeJS.ProcessEnv | undefined) {
  let token: string | undefined;
  let password: string | undefined;
  if (c.user === undefined) {
    token = readSecret({ file: c.tokenFile, envVar: 'SLURMSCOPE_INFLUX_TOKEN', env, key: `${key}.tokenFile` });
  } else {
    password = readSecret({
      file: c.passwordFile,
      envVar: 'SLURMSCOPE_INFLUX_PASSWORD',
      env,
      key: `${key}.passwordFile`,
    });
    if (password === undefined)
      throw new ConfigError(
        '(config)',
        `${key}.passwordFile`,
        `required with ${key}.user (or SLURMSCOPE_INFLUX_PASSWORD)`,
      );
  }
  return {
    url: c.url,
    api: c.api,
    token,
    org: c.org,
    bucket: c.bucket,
    database: c.database,
    retentionPolicy: c.retentionPolicy,
    username: c.user,
    password,
    output: c.name,
    batchSize: c.batchSize,
    flushIntervalMs: c.flushInterval,
    timeoutMs: c.timeout,
    spoolMaxBytes: c.spoolMaxBytes,
  };
}

/** A daemon's outputs from its config: the Prometheus exposition, and InfluxDB when an output is enabled. */
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
