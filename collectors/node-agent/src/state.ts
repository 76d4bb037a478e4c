import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod/v3';
import type { Logger } from '@slurmscope/model';

/** A monotonic counter kept across wrap-around and restarts: the last raw reading and the total. */
const counterState = z.object({ raw: z.number(), total: z.number() });

/** Per-job accumulators that the kernel does not keep for us. */
const jobState = z.object({
  cpuJoules: z.number(),
  gpuJoules: z.number(),
  gpuSeconds: z.number(),
  /** Whether any source measured energy for this job (else energy is absent, not 0). */
  energyMeasured: z.boolean(),
  /** The job's cgroup CPU seconds at `sampleMs`, to continue utilization and attribution after a restart. */
  lastCpuSeconds: z.number(),
});

const stateSchema = z.object({
  version: z.literal(1),
  node: z.string(),
  /** Kernel boot id: counters restart at boot, so a new boot id means a new baseline. */
  bootId: z.string().optional(),
  /** Time of the sample the `last*` readings belong to (0 = none yet). */
  sampleMs: z.number(),
  rapl: z.record(z.string(), counterState),
  jobs: z.record(z.string(), jobState),
  /** Energy of the node that went to no job (idle capacity and non-job work). */
  restJoules: z.number(),
  /** Measured node energy (RAPL package+DRAM + GPU estimate). */
  nodeJoules: z.number(),
  /** GPU energy estimate per GPU index, accumulated. */
  gpuJoules: z.record(z.string(), z.number()),
});

/** What the agent persists between runs (`<stateDir>/agent-<node>.json`). */
export type AgentState = z.infer<typeof stateSchema>;
export type JobAccumulators = z.infer<typeof jobState>;

/** A fresh state for `node`. */
export function emptyState(node: string, bootId: string | undefined): AgentState {
  return { version: 1, node, bootId, sampleMs: 0, rapl: {}, jobs: {}, restJoules: 0, nodeJoules: 0, gpuJoules: {} };
}

/**
 * Loads the state file. Absent = fresh state. A corrupt or foreign file is moved aside
 * (`.corrupt-<ms>`, so nothing is silently lost), logged, and a fresh state is returned.
 */
export async function loadState(file: string, node: string, log: Logger): Promise<AgentState | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  let problem: string;
  try {
    const parsed = stateSchema.safeParse(JSON.parse(text));
    if (parsed.success && parsed.data.node === node) return parsed.data;
    problem = parsed.success
      ? `it belongs to node "${parsed.data.node}"`
      : (parsed.error.issues[0]?.message ?? 'invalid');
  } catch (err) {
    problem = (err as Error).message;
  }
  const aside = `${file}.corrupt-${Date.now()}`;
  await rename(file, aside);
  log.error({ file, movedTo: aside, problem }, 'agent state file unusable; moved aside, counters start afresh');
  return undefined;
}

/** Writes the state atomically: a temporary file, fsync, rename over the old one. */
export async function saveState(file: string, state: AgentState): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o755 });
  const tmp = `${file}.tmp-${process.pid}`;
  const fh = await open(tmp, 'w', 0o644);
  try {
    await fh.writeFile(JSON.stringify(state));
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, file);
}
