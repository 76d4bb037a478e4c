import { z } from 'zod/v3';
import { inspectorSection } from './inspector-config.js';
import { durationBetween, influxSection, listenAddress, logSection } from './schema-parts.js';

/** A browser origin: http(s)://host[:port], exactly as a browser sends it in `Origin` (no path, lower case). */
const webOrigin = z.string().superRefine((text, ctx) => {
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch (err) {
    // Not a URL at all: reported below like any other malformed origin.
    if (!(err instanceof TypeError)) throw err;
  }
  const ok = url !== undefined && (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === text;
  if (!ok)
    ctx.addIssue({
      code: 'custom',
      message: `must be an origin like "https://portal.example.org" (http or https, host[:port], no path), not "${text}"`,
    });
});

const FRAME_SOURCE =
  /^(?:[a-z][a-z0-9+.-]*:|(?:[a-z][a-z0-9+.-]*:\/\/)?(?:\*\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*(?::(?:\d{1,5}|\*))?(?:\/[^\s;,'"]*)?)$/i;

/** A CSP frame-ancestors source: a host ("https://*.example.org", "intranet.example.org:8443") or a scheme ("https:"). */
const frameSource = z
  .string()
  .regex(FRAME_SOURCE, 'must be a CSP host source like "https://intranet.example.org" or a scheme like "https:"');

/**
 * ctld's configuration (`/etc/slurmscope/ctld.yaml`), read by `ctld` and `report`. Every key
 * has its default here and nowhere else; `collectors/cli/sample-ctld.yaml` shows them all.
 */
export const ctldConfigSchema = z.strictObject({
  /** Slurm poll interval (1s to 1h): ctld's load on slurmctld is proportional to this alone. */
  interval: durationBetween('1s', '1h').default('30s'),
  /** Cluster name used in the archive and metrics; default Slurm's ClusterName. */
  cluster: z.string().min(1).optional(),
  /** Directory of ctld's own state (the InfluxDB spool); the archive has its own `reports.dir`. */
  stateDir: z.string().min(1).default('/var/lib/slurmscope'),
  log: logSection,
  /** The HTTP server: JSON API, portal, /metrics and the agents' node reports. */
  api: z
    .strictObject({
      listen: listenAddress.default('127.0.0.1:9818'),
      /** TLS certificate and key (PEM files); required when listening beyond loopback. */
      tlsCertFile: z.string().optional(),
      tlsKeyFile: z.string().optional(),
      /**
       * Origins (e.g. "https://portal.example.org") whose pages may read the public JSON answers
       * (availability, webjobs, jobs/:id, findings) from a browser: CORS, never for reports or /metrics.
       */
      corsOrigins: z.array(webOrigin).default([]),
    })
    .default({}),
  /** The web portal: /portal/ and /portal/embed/<panel>, the Grafana panels mounted without Grafana. */
  portal: z
    .strictObject({
      /** Serve /portal/ (false: 404, the JSON API stays). */
      enabled: z.boolean().default(true),
      /**
       * The built grafana-plugins folder (holding portal/dist/ and <panel>/dist/); default: the one
       * installed beside ctld. A missing build is logged at start and /portal/ answers 503 naming it.
       */
      assetsDir: z.string().min(1).optional(),
      /** The window of the portal's CO2 panel and of GET /api/v1/co2 without ?hours= (1h to 7d). */
      co2Window: durationBetween('1h', '7d').default('24h'),
      /** Who may embed ctld's HTML pages in a frame besides ctld itself ('self'); CSP frame-ancestors sources. */
      frameAncestors: z.array(frameSource).default([]),
    })
    .default({}),
  /** How ctld calls Slurm. */
  slurm: z
    .strictObject({
      /** Timeout of each Slurm command (100ms to 10m); its whole process group is killed beyond it. */
      timeout: durationBetween('100ms', '10m').default('20s'),
      /** Directory of squeue/sinfo/scontrol; default PATH. */
      binDir: z.string().optional(),
    })
    .default({}),
  /** Who may do what. Tokens come from files (or env), never from the command line. */
  auth: z
    .strictObject({
      /**
       * Bearer token the agents send with node reports; or env SLURMSCOPE_AGENT_TOKEN. With
       * agentAuth hmac it is the secret each node's token is derived from.
       */
      agentTokenFile: z.string().optional(),
      /**
       * shared: every agent sends agentTokenFile's token (any node can speak for any other);
       * hmac: each node sends HMAC-SHA256(secret, node name) in hex; files: each node sends the
       * token in agentTokenDir/<node>. In the per-node modes a report must name the token's node.
       */
      agentAuth: z.enum(['shared', 'hmac', 'files']).default('shared'),
      /** Directory of per-node agent tokens (agentAuth files): one 0600 file per node, named by node. */
      agentTokenDir: z.string().optional(),
      /** Bearer token that may read every report; or env SLURMSCOPE_ADMIN_TOKEN. */
      adminTokenFile: z.string().optional(),
      /** Slurm's jwt_hs256.key, to check users' `scontrol token` JWTs. */
      jwtKeyFile: z.string().optional(),
      /** A reverse proxy trusted to name the user in a header. */
      trustedProxy: z
        .strictObject({ addresses: z.array(z.string()).default([]), header: z.string().default('X-Remote-User') })
        .default({}),
    })
    .default({}),
  /** What ctld believes of the agents' node reports (checked against Slurm and its own clock). */
  nodeReports: z
    .strictObject({
      /**
       * Oldest report accepted, longest agent interval accepted, and longest a silent node's
       * report is kept (otherwise 3 of its intervals) (1m to 1d).
       */
      maxAge: durationBetween('1m', '1d').default('15m'),
      /** How far ahead of ctld's clock a report's timestamp may be (0ms to 10m). */
      clockSkew: durationBetween('0ms', '10m').default('60s'),
    })
    .default({}),
  influxdb: influxSection,
  /** Live findings about running jobs (rules, thresholds, exemptions); see inspector-config.ts. */
  inspector: inspectorSection,
  /**
   * Mail: to users about their jobs' findings (while the job runs), daily digests, the admins'
   * weekly summary. Sent while `host` is set or `dryRun` is true (then logged, never sent).
   */
  smtp: z
    .strictObject({
      host: z.string().optional(),
      port: z.number().int().min(1).max(65535).default(25),
      from: z.string().default('slurmscope@localhost'),
      user: z.string().optional(),
      /** File holding the SMTP password; or env SLURMSCOPE_SMTP_PASSWORD. */
      passwordFile: z.string().optional(),
      /** Log each mail instead of sending it (the first week on a new cluster). */
      dryRun: z.boolean().default(false),
      /** Domain appended to a Slurm user name to form the address (when no addressCommand). */
      userDomain: z.string().default('localhost'),
      /**
       * A command printing a user's address (e.g. an LDAP lookup), as argv; `{user}` is replaced
       * by the user name (appended when absent). Run with `addressTimeout`, answers cached.
       */
      addressCommand: z.array(z.string().min(1)).min(1).optional(),
      /** Timeout of one addressCommand run (100ms to 10m). */
      addressTimeout: durationBetween('100ms', '10m').default('10s'),
      /** How long an address from addressCommand is used before it is looked up again (1m to 7d). */
      addressCacheFor: durationBetween('1m', '7d').default('1d'),
      /** Mails per user in any 24 hours sent at once; the rest go into the user's daily digest. */
      maxPerUserPerDay: z.number().int().min(1).default(3),
      /** Most mails waiting on disk (<stateDir>/mail); beyond, new ones are refused and counted. */
      maxQueued: z.number().int().min(10).default(10000),
      /** When the daily digests go out: a cron expression in timeZone. */
      digestCron: z.string().default('0 7 * * *'),
      /** When the weekly summary goes to adminAddresses: a cron expression in timeZone. */
      summaryCron: z.string().default('0 8 * * 1'),
      /** The cluster's time zone (IANA name) for the schedules; default the host's. */
      timeZone: z.string().optional(),
      /** Who gets the weekly summary; none: no summary. */
      adminAddresses: z.array(z.string().min(3)).default([]),
      /**
       * Handlebars templates replacing the shipped ones (collectors/ctld/templates/), each a
       * file path: finding (a job's findings), digest (a user's day), summary (the admins' week).
       */
      templates: z
        .strictObject({
          findingText: z.string().optional(),
          findingHtml: z.string().optional(),
          digestText: z.string().optional(),
          digestHtml: z.string().optional(),
          summaryText: z.string().optional(),
          summaryHtml: z.string().optional(),
        })
        .default({}),
    })
    .default({}),
  /** The job report archive. */
  reports: z
    .strictObject({
      dir: z.string().min(1).default('/var/lib/slurmscope/reports'),
      /** Group (name or gid) of every report file (owned by ctld, mode 0640), so that admins can read them; default ctld's group. */
      adminGroup: z.string().min(1).optional(),
      /** Most points of a job's down-sampled profile (CPU, memory, power over time). */
      profilePoints: z.number().int().min(2).max(10000).default(120),
    })
    .default({}),
  /** Carbon footprint. */
  co2: z
    .strictObject({
      /** Power usage effectiveness of the data centre (facility energy / IT energy). */
      pue: z.number().min(1).default(1.0),
      /** Constant carbon intensity in gCO2e/kWh, used when no time series is configured. */
      intensity: z.number().nonnegative().default(300),
      /** direct: combustion only; lifecycle: including construction and fuel supply. */
      basis: z.enum(['direct', 'lifecycle']).default('lifecycle'),
      /** Per-node power not seen by RAPL/GPUs (PSU, fans, network), in watts, measured at the wall. */
      nodeOverheadWatts: z.number().nonnegative().default(0),
      /** Where the intensity comes from: the constant above, a CSV time series, or an HTTP API. */
      intensitySource: z.enum(['constant', 'csv', 'http']).default('constant'),
      /** CSV time series (`timestamp,gco2_per_kwh` rows); required with intensitySource csv. */
      csvFile: z.string().optional(),
      /** An API in the Electricity Maps shape (`GET <url>/v3/carbon-intensity/latest?zone=`). */
      http: z
        .strictObject({
          url: z.string().url().default('https://api.electricitymap.org'),
          /** Grid zone, e.g. "DE"; required with intensitySource http. */
          zone: z.string().min(1).optional(),
          /** File holding the API token (sent as `auth-token`); or env SLURMSCOPE_CO2_TOKEN. */
          tokenFile: z.string().optional(),
          /** How long a fetched value is used before it is fetched again (1m to 1d). */
          cacheFor: durationBetween('1m', '1d').default('15m'),
          /** Timeout of one request (100ms to 10m). */
          timeout: durationBetween('100ms', '10m').default('10s'),
        })
        .default({}),
    })
    .default({}),
});

/** ctld's validated configuration; durations are in milliseconds. */
export type CtldConfig = z.output<typeof ctldConfigSchema>;
