import type { Check } from './check.js';
import { idleGpus } from './idle-gpus.js';
import { lowCpuEfficiency } from './low-cpu-efficiency.js';
import { memoryNearLimit } from './memory-near-limit.js';
import { unevenLoad } from './uneven-load.js';

export { oomKilled, type OomResult } from './oom-killed.js';
export { MAX_NODE_FIGURES, worstNodes } from './check.js';
export type { Check, CheckResult } from './check.js';

/** The live rules judged with grace and sustain, by kind (oom_killed is judged apart: at once). */
export const SUSTAINED_CHECKS = {
  memory_near_limit: memoryNearLimit,
  idle_gpus: idleGpus,
  uneven_load: unevenLoad,
  low_cpu_efficiency: lowCpuEfficiency,
} as const satisfies Record<string, Check>;

/** A kind judged with grace and sustain. */
export type SustainedKind = keyof typeof SUSTAINED_CHECKS;
