import { z } from 'zod/v3';
import { parseDuration } from './duration.js';

/**
 * The longest duration any key accepts. Far below 24.8 days (2^31 - 1 ms), beyond which Node's
 * timers overflow and fire at once.
 */
export const MAX_DURATION = '7d';

/**
 * A duration string ("500ms", "10s", "5m") parsed to milliseconds, refused unless between `min`
 * and `max` (duration strings, inclusive): "must be between 1s and 1h". Each key documents its bounds.
 */
export function durationBetween(min: string, max: string): z.ZodEffects<z.ZodString, number, string> {
  const lo = parseDuration(min);
  const hi = parseDuration(max);
  if (hi > parseDuration(MAX_DURATION) || lo > hi) throw new Error(`duration bounds ${min}..${max} are not sane`);
  return z.string().transform((text, ctx) => {
    let ms: number;
    try {
      ms = parseDuration(text);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
      return z.NEVER;
    }
    if (ms < lo || ms > hi) {
      ctx.addIssue({ code: 'custom', message: `must be between ${min} and ${max}` });
      return z.NEVER;
    }
    return ms;
  });
}

/** A duration with only the general bounds (0ms to {@link MAX_DURATION}); keys use their own via {@link durationBetween}. */
export const duration = durationBetween('0ms', MAX_DURATION);

const LISTEN = /^(?:\[[0-9a-fA-F:.]+\]|[^\s:[\]]*):(\d{1,5})$/;

/**
 * "host:port" for a server to bind; host may be empty (all addresses) or an IPv6 address in
 * brackets; port 0 to 65535 (0: any free port).
 */
export const listenAddress = z.string().superRefine((text, ctx) => {
  const m = LISTEN.exec(text);
  if (!m) ctx.addIssue({ code: 'custom', message: 'must be "host:port", e.g. "127.0.0.1:9817"' });
  else if (Number(m[1]) > 65535)
    ctx.addIssue({ code: 'custom', message: `port must be between 0 and 65535, not ${m[1]}` });
});

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
    /** Longest time a point waits in memory before it is written (100ms to 1h). */
    flushInterval: durationBetween('100ms', '1h').default('10s'),
    /** Timeout of one write request (100ms to 10m). */
    timeout: durationBetween('100ms', '10m').default('10s'),
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
