import { z } from 'zod/v3';
import { parseDuration } from './duration.js';

/** A duration string ("500ms", "10s", "5m") parsed to milliseconds. */
export const duration = z.string().transform((text, ctx) => {
  try {
    return parseDuration(text);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message });
    return z.NEVER;
  }
});

/** "host:port" for a server to bind; host may be empty (all addresses) or an IPv6 address in brackets. */
export const listenAddress = z
  .string()
  .regex(/^(\[[0-9a-fA-F:.]+\]|[^\s:[\]]*):\d{1,5}$/, 'must be "host:port", e.g. "127.0.0.1:9817"');

/** Log settings shared by both daemons. */
export const logSection = z
  .strictObject({
    /** Lowest level written to stderr. */
    level: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  })
  .default({});

/**
 * InfluxDB output (v2 write API: InfluxDB 1.8+, 2.x, 3.x, VictoriaMetrics). Off while `url` is
 * absent. The token is read from `tokenFile` or the environment variable `SLURMSCOPE_INFLUX_TOKEN`.
 */
export const influxSection = z
  .strictObject({
    /** Base URL of the store, e.g. "http://influx.example:8086". Absent = output off. */
    url: z.string().url().optional(),
    /** Organisation (InfluxDB 2.x/3.x); ignored by 1.8 and VictoriaMetrics. */
    org: z.string().default(''),
    /** Bucket (2.x/3.x) or "database/retention-policy" (1.8). */
    bucket: z.string().min(1).default('slurmscope'),
    /** File holding the API token (mode 0600). */
    tokenFile: z.string().optional(),
    /** Points per write request. */
    batchSize: z.number().int().positive().default(5000),
    /** Longest time a point waits in memory before it is written. */
    flushInterval: duration.default('10s'),
    /** Timeout of one write request. */
    timeout: duration.default('10s'),
    /** Where points wait on disk while the store is unreachable; default <stateDir>/spool. */
    spoolDir: z.string().optional(),
    /** Upper bound of the spool on disk; the oldest points are dropped (and counted) beyond it. */
    spoolMaxBytes: z
      .number()
      .int()
      .positive()
      .default(256 * 1024 * 1024),
  })
  .default({});
