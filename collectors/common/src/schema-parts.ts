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

const OUTPUT_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const V1_ONLY = ['database', 'retentionPolicy', 'user', 'passwordFile'] as const;

/**
 * One InfluxDB output. `api: v2` writes to /api/v2/write (InfluxDB 1.8+, 2.x, 3.x,
 * VictoriaMetrics) with org/bucket and a token; `api: v1` to /write?db=&rp= (InfluxDB 1.x before
 * 1.8) with user/password or a token. Secrets come from files (or SLURMSCOPE_INFLUX_TOKEN /
 * SLURMSCOPE_INFLUX_PASSWORD), never from argv.
 */
export const influxOutputSchema = z
  .strictObject({
    /** Name in logs and in the `output` label of the slurmscope_influx_* metrics; default the index (0 for a single mapping). */
    name: z
      .string()
      .regex(OUTPUT_NAME, 'must be 1 to 64 letters, digits, "_", "." or "-" (it names a directory)')
      .optional(),
    /** Base URL of the store, e.g. "http://influx.example:8086". Absent = output off (single mapping only). */
    url: z.string().url().optional(),
    /** v2: /api/v2/write (InfluxDB 1.8+, 2.x, 3.x, VictoriaMetrics); v1: /write (InfluxDB 1.x, also before 1.8). */
    api: z.enum(['v2', 'v1']).default('v2'),
    /** Organisation (InfluxDB 2.x/3.x; api v2); ignored by 1.8 and VictoriaMetrics. */
    org: z.string().default(''),
    /** Bucket (2.x/3.x) or "database/retention-policy" (1.8); api v2. */
    bucket: z.string().min(1).default('slurmscope'),
    /** Database (api v1; required there). */
    database: z.string().min(1).optional(),
    /** Retention policy (api v1); absent = the database's default. */
    retentionPolicy: z.string().min(1).optional(),
    /** User name, sent with the password as HTTP basic auth (api v1). */
    user: z.string().min(1).optional(),
    /** File holding the user's password (mode 0600); or env SLURMSCOPE_INFLUX_PASSWORD (api v1). */
    passwordFile: z.string().optional(),
    /** File holding the API token (mode 0600), sent as "Authorization: Token". */
    tokenFile: z.string().optional(),
    /** Points per write request. */
    batchSize: z.number().int().positive().default(5000),
    /** Longest time a point waits in memory before it is written (100ms to 1h). */
    flushInterval: durationBetween('100ms', '1h').default('10s'),
    /** Timeout of one write request (100ms to 10m). */
    timeout: durationBetween('100ms', '10m').default('10s'),
    /** Where points wait on disk while the store is unreachable; default <stateDir>/spool (a list: <stateDir>/spool/<name>). */
    spoolDir: z.string().optional(),
    /** Upper bound of the spool on disk; the oldest points are dropped (and counted) beyond it. */
    spoolMaxBytes: z
      .number()
      .int()
      .positive()
      .default(256 * 1024 * 1024),
  })
  .superRefine((o, ctx) => {
    const issue = (key: string, message: string): void => ctx.addIssue({ code: 'custom', path: [key], message });
    if (o.api === 'v1' && o.url !== undefined && o.database === undefined)
      issue('database', 'required with api: v1 (the InfluxDB 1.x database to write to)');
    if (o.api === 'v2')
      for (const key of V1_ONLY)
        if (o[key] !== undefined) issue(key, 'applies to api: v1 only (v2: org, bucket, tokenFile)');
    if (o.user !== undefined && o.tokenFile !== undefined)
      issue('tokenFile', 'set either user (with its password) or tokenFile');
    if (o.passwordFile !== undefined && o.user === undefined) issue('user', 'required with passwordFile');
  });

/** One enabled output, validated: `url` set, `name` resolved, `spoolSubdir` set for the entries of a list. */
export type InfluxOutput = z.output<typeof influxOutputSchema> & {
  readonly url: string;
  readonly name: string;
  /** Sub-directory of the daemon's default spool directory (list entries: the name); undefined for a single mapping. */
  readonly spoolSubdir: string | undefined;
};

/**
 * The `influxdb` section: one output (a mapping; off while its `url` is absent) or a list of
 * outputs, each with its own batching, retry and spool. Validated to the enabled outputs.
 */
export const influxSection = z.unknown().transform((raw, ctx): InfluxOutput[] => {
  const list = Array.isArray(raw);
  const parsed = (list ? z.array(influxOutputSchema) : influxOutputSchema).safeParse(raw ?? {});
  if (!parsed.success) {
    // Re-raised relative to `influxdb`, so a single mapping's errors keep their paths (influxdb.url).
    for (const issue of parsed.error.issues) ctx.addIssue(issue as z.IssueData);
    return z.NEVER;
  }
  const entries = list
    ? (parsed.data as z.output<typeof influxOutputSchema>[])
    : [parsed.data as z.output<typeof influxOutputSchema>];
  const out: InfluxOutput[] = [];
  const names = new Map<string, number>();
  const spools = new Map<string, number>();
  entries.forEach((e, i) => {
    const at = (key: string, message: string): void =>
      ctx.addIssue({ code: 'custom', path: list ? [i, key] : [key], message });
    const name = e.name ?? String(i);
    if (names.has(name)) at('name', `"${name}" is already the name of output ${names.get(name)}`);
    names.set(name, i);
    if (e.spoolDir !== undefined && spools.has(e.spoolDir))
      at('spoolDir', `already the spool of output ${spools.get(e.spoolDir)}: each output needs its own`);
    if (e.spoolDir !== undefined) spools.set(e.spoolDir, i);
    if (e.url === undefined) {
      if (list) at('url', 'required for each output of a list');
      return;
    }
    out.push({ ...e, url: e.url, name, spoolSubdir: list ? name : undefined });
  });
  return out;
});
