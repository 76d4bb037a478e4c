import { z } from 'zod/v3';

/** One GPU as a job sees it in a node report. */
export const reportGpuSchema = z.object({
  index: z.number().int().nonnegative(),
  utilization: z.number().min(0).max(1).optional(),
  memoryUsedBytes: z.number().nonnegative().optional(),
  powerWatts: z.number().nonnegative().optional(),
});

/** One job on one node, as the agent measured it in its last cycle. */
export const reportJobSchema = z.object({
  /** Slurm's raw job id. */
  jobid: z.string().min(1),
  uid: z.number().int().nonnegative().optional(),
  /** CPUs in the job's cpuset on this node. */
  cpus: z.number().int().nonnegative(),
  /** Cumulative CPU seconds on this node (the cgroup counter). */
  cpuSeconds: z.number().nonnegative(),
  /** Over the last interval; absent in the first sample of a job. */
  cpuUtilization: z.number().min(0).optional(),
  memoryUsedBytes: z.number().nonnegative(),
  memoryPeakBytes: z.number().nonnegative().optional(),
  memoryLimitBytes: z.number().nonnegative().optional(),
  /** Energy attributed on this node so far; absent when nothing measured energy (never 0 for "unknown"). */
  energyJoules: z.number().nonnegative().optional(),
  gpuSeconds: z.number().nonnegative(),
  gpus: z.array(reportGpuSchema),
  /** The batch script, sent by the batch node until ctld says it has it. */
  script: z.string().optional(),
});

/** The compact report an agent POSTs to ctld every cycle (`/api/v1/node-reports`). */
export const nodeReportSchema = z.object({
  version: z.literal(1),
  node: z.string().min(1),
  timestampMs: z.number(),
  intervalMs: z.number().positive(),
  cpus: z.number().int().nonnegative(),
  /** Average power over the last interval by source; absent sources were not measured. */
  power: z.object({ raplWatts: z.number().optional(), gpuWatts: z.number().optional() }),
  jobs: z.array(reportJobSchema),
});

/** ctld's answer to a node report: the jobs whose batch script it already keeps. */
export const nodeReportAckSchema = z.object({ scripts: z.array(z.string()) });

export type NodeReport = z.infer<typeof nodeReportSchema>;
export type NodeReportJob = z.infer<typeof reportJobSchema>;
export type NodeReportAck = z.infer<typeof nodeReportAckSchema>;
