import { z } from 'zod/v3';
import { durationBetween } from './schema-parts.js';

/** The finding kinds, in the order mails and the API list them. Names are a fixed interface. */
export const FINDING_KINDS = [
  'oom_killed',
  'memory_near_limit',
  'idle_gpus',
  'uneven_load',
  'low_cpu_efficiency',
  'memory_over_request',
  'time_limit_over_request',
] as const;

/** One kind of finding. */
export type FindingKind = (typeof FINDING_KINDS)[number];

/** The kinds judged while a job runs (each cycle); the others are judged once, when it ends. */
export const LIVE_KINDS = [
  'oom_killed',
  'memory_near_limit',
  'idle_gpus',
  'uneven_load',
  'low_cpu_efficiency',
] as const;

const ratio = z.number().min(0).max(1);
const period = durationBetween('0ms', '7d');

/** A live rule: raised once `threshold` is crossed for `sustain`, not before the job ran `grace`. */
const liveRule = (threshold: number, grace: string, sustain: string) =>
  z
    .strictObject({
      enabled: z.boolean().default(true),
      threshold: ratio.default(threshold),
      /** Start-up time of a job during which the rule does not look (0ms to 7d). */
      grace: period.default(grace),
      /** How long the condition must hold without a break (0ms to 7d). */
      sustain: period.default(sustain),
    })
    .default({});

/** A rule judged when the job ends. */
const endRule = (threshold: number) =>
  z.strictObject({ enabled: z.boolean().default(true), threshold: ratio.default(threshold) }).default({});

/**
 * The rules with their defaults. Why these values is documented in the README ("Findings"):
 * uneven_load and low_cpu_efficiency wait out a start-up (staging data, compiling) before judging.
 */
export const inspectorRulesSchema = z
  .strictObject({
    /** A job's OOM-kill count rose: raised at once (threshold and periods are not used). */
    oom_killed: z.strictObject({ enabled: z.boolean().default(true) }).default({}),
    /** Working set (usage minus inactive file cache) / limit on any node at or above threshold: an OOM kill is coming. */
    memory_near_limit: liveRule(0.95, '0ms', '0ms'),
    /** An allocated GPU below threshold utilization. */
    idle_gpus: liveRule(0.05, '10m', '15m'),
    /** (max - min) / max of per-node CPU utilization at or above threshold; multi-node jobs only. */
    uneven_load: liveRule(0.5, '10m', '10m'),
    /** CPU time used / CPU time held below threshold. */
    low_cpu_efficiency: liveRule(0.3, '10m', '30m'),
    /** At the end: memory peak below threshold of the memory requested. */
    memory_over_request: endRule(0.3),
    /** At the end: elapsed below threshold of a time limit of at least minTimeLimit. */
    time_limit_over_request: z
      .strictObject({
        enabled: z.boolean().default(true),
        threshold: ratio.default(0.1),
        /** Shorter limits are not judged (1m to 7d). */
        minTimeLimit: durationBetween('1m', '7d').default('1h'),
      })
      .default({}),
  })
  .default({});

/** A live rule's keys a partition may override (no defaults: absent keys come from `rules`). */
const liveOverride = z.strictObject({
  enabled: z.boolean().optional(),
  threshold: ratio.optional(),
  grace: period.optional(),
  sustain: period.optional(),
});

/** An end-of-job rule's keys a partition may override. */
const endOverride = z.strictObject({ enabled: z.boolean().optional(), threshold: ratio.optional() });

/**
 * A partition's overrides, per kind only the keys that kind uses (strict: `oom_killed.grace` or
 * `uneven_load.minTimeLimit` are refused naming the key, not silently ignored).
 */
const partitionOverrides = z.strictObject({
  oom_killed: z.strictObject({ enabled: z.boolean().optional() }).optional(),
  memory_near_limit: liveOverride.optional(),
  idle_gpus: liveOverride.optional(),
  uneven_load: liveOverride.optional(),
  low_cpu_efficiency: liveOverride.optional(),
  memory_over_request: endOverride.optional(),
  time_limit_over_request: endOverride.extend({ minTimeLimit: durationBetween('1m', '7d').optional() }).optional(),
} satisfies Record<FindingKind, z.ZodTypeAny>);

/** ctld's `inspector` section: live findings about running jobs, mailed to their users. */
export const inspectorSection = z
  .strictObject({
    /** Off: no findings, no mails about jobs (reports are still written). */
    enabled: z.boolean().default(true),
    /** A job that ran less than this is never mailed about (0ms to 7d). */
    minElapsed: period.default('10m'),
    /**
     * URL of a job's page (portal or Grafana) for mails; `{jobid}` and `{user}` are replaced,
     * without `{jobid}` the id is appended. Unset: mails name `slurmscope report <id>` only.
     */
    linkBase: z.string().url().optional(),
    /** Users and accounts never judged (service accounts, benchmarks). */
    exempt: z
      .strictObject({ users: z.array(z.string()).default([]), accounts: z.array(z.string()).default([]) })
      .default({}),
    rules: inspectorRulesSchema,
    /** Per partition, rule keys that differ from `rules` (e.g. a debug partition's grace). */
    partitions: z.record(z.string(), partitionOverrides).default({}),
  })
  .default({});

/** The validated `inspector` section; durations in milliseconds. */
export type InspectorConfig = z.output<typeof inspectorSection>;
