import { z } from 'zod/v3';

/** Most jobs one node report may list (more than one job per hardware thread of a big node). */
export const MAX_REPORT_JOBS = 4096;
/** Most GPUs one job may list in a node report. */
export const MAX_REPORT_GPUS = 64;

/** Where a node's RAPL energy came from: the hardware, or the demo's simulated powercap tree. */
export const RAPL_SOURCES = ['measured', 'simulated'] as const;
/** One of {@link RAPL_SOURCES}. */
export type RaplSource = (typeof RAPL_SOURCES)[number];

/** A finite, non-negative number: a measured value or counter (JSON's 1e999 is Infinity). */
const amount = (): z.ZodNumber => z.number().finite().nonnegative();

/** One GPU as a job sees it in a node report. */
export const reportGpuSchema = z.object({
  index: z.number().int().nonnegative(),
  utilization: z.number().min(0).max(1).optional(),
  memoryUsedBytes: amount().optional(),
  powerWatts: amount().optional(),
});

/** One job on one node, as the agent measured it in its last cycle. */
export const reportJobSchema = z.object({
  /** Slurm's raw job id. */
  jobid: z.string().min(1).max(64),
  uid: z.number().int().nonnegative().optional(),
  /** CPUs in the job's cpuset on this node. */
  cpus: z.number().int().nonnegative(),
  /** Cumulative CPU seconds on this node (the cgroup counter). */
  cpuSeconds: amount(),
  /** Over the last interval; absent in the first sample of a job. */
  cpuUtilization: amount().optional(),
  memoryUsedBytes: amount(),
  memoryPeakBytes: amount().optional(),
  memoryLimitBytes: amount().optional(),
  /** OOM kills in the job's cgroup so far (v2 memory.events, v1 memory.oom_control `oom_kill`). */
  oomKills: z.number().int().nonnegative().optional(),
  /** v2 memory.pressure `some avg60` as a ratio 0..1; absent on v1. */
  memoryPressure: z.number().min(0).max(1).optional(),
  /** Energy attributed on this node so far; absent when nothing measured energy (never 0 for "unknown"). */
  energyJoules: amount().optional(),
  gpuSeconds: amount(),
  gpus: z.array(reportGpuSchema).max(MAX_REPORT_GPUS),
  /** The batch script, sent by the batch node until ctld says it has it. */
  script: z.string().optional(),
});

/**
 * The compact report an agent POSTs to ctld every cycle (`/api/v1/node-reports`). `timestampMs`
 * and `intervalMs` are only typed here: ctld judges their plausibility against its own clock
 * and counts each refusal by reason.
 */
export const nodeReportSchema = z.object({
  version: z.literal(1),
  node: z.string().min(1).max(255),
  timestampMs: z.number(),
  intervalMs: z.number(),
  cpus: z.number().int().nonnegative(),
  /**
   * Average power over the last interval by source; absent sources were not measured. `raplSource`
   * says whether the RAPL zones were hardware ('measured') or the demo's stand-in ('simulated', a
   * zone folder with a SIMULATED file); absent without RAPL. Any other value is a refused value.
   */
  power: z.object({
    raplWatts: amount().optional(),
    gpuWatts: amount().optional(),
    raplSource: z.enum(RAPL_SOURCES).optional(),
  }),
  jobs: z.array(reportJobSchema).max(MAX_REPORT_JOBS),
});

/** ctld's answer to a node report: the jobs whose batch script it already keeps. */
export const nodeReportAckSchema = z.object({ scripts: z.array(z.string()) });

export type NodeReport = z.infer<typeof nodeReportSchema>;
export type NodeReportJob = z.infer<typeof reportJobSchema>;
export type NodeReportAck = z.infer<typeof nodeReportAckSchema>;

/** One reason a node report failed its schema: the dotted path, zod's message and issue code. */
export interface NodeReportIssue {
  readonly path: string;
  readonly message: string;
  /** True when a number was out of its range (negative, not finite): a refused value, not a malformed body. */
  readonly badValue: boolean;
}

/** The outcome of {@link parseNodeReport}. */
export type NodeReportParse =
  | { readonly ok: true; readonly report: NodeReport }
  | { readonly ok: false; readonly issues: readonly NodeReportIssue[] };

const headSchema = nodeReportSchema.extend({ jobs: z.array(z.unknown()).max(MAX_REPORT_JOBS) });

/**
 * Validates a node report, stopping at its first bad job: zod collects every issue of every
 * item, and a body of a million malformed jobs took it minutes and gigabytes. At most ten
 * issues are returned, all from one place.
 */
export function parseNodeReport(raw: unknown): NodeReportParse {
  const head = headSchema.safeParse(raw);
  if (!head.success) return { ok: false, issues: issuesOf(head.error, []) };
  const jobs: NodeReportJob[] = [];
  for (const [i, item] of head.data.jobs.entries()) {
    const job = reportJobSchema.safeParse(item);
    if (!job.success) return { ok: false, issues: issuesOf(job.error, ['jobs', i]) };
    jobs.push(job.data);
  }
  return { ok: true, report: { ...head.data, jobs } };
}

function issuesOf(error: z.ZodError, prefix: ReadonlyArray<string | number>): NodeReportIssue[] {
  return error.issues.slice(0, 10).map((i) => ({
    path: [...prefix, ...i.path].join('.'),
    message: i.message,
    // An unknown enum value (power.raplSource) is a refused value too, not a malformed body.
    badValue:
      i.code === 'not_finite' ||
      i.code === 'invalid_enum_value' ||
      ((i.code === 'too_small' || i.code === 'too_big') && i.type === 'number'),
  }));
}
