import { FINDING_KINDS, inspectorSection, type FindingKind, type InspectorConfig } from '@slurmscope/common';
import { pct } from '../inspector/format.js';
import { isExempt, ruleFor, type EffectiveRule } from '../inspector/rules.js';
import type { FindingCost, RaisedFinding } from '../inspector/types.js';
import type { Finding, FindingCostFigures } from './types.js';

/** The inspector section with every default (tests, and reports built without a config). */
export const DEFAULT_INSPECTOR: InspectorConfig = inspectorSection.parse({});

/** What the end-of-job judgement looks at; absent figures give no finding (unmeasured is not bad). */
export interface InspectorInput {
  readonly user: string;
  readonly account: string;
  readonly partition: string;
  /** How long the job ran, seconds; absent when unknown. */
  readonly elapsedSeconds?: number;
  /** Absent for UNLIMITED. */
  readonly timeLimitSeconds?: number;
  readonly cpuEfficiency?: number;
  readonly gpus: number;
  readonly gpuUtilization?: number;
  readonly loadImbalance?: number;
  readonly memoryPeakBytes?: number;
  readonly memoryRequestedBytes: number;
}

const hours = (s: number): string => (s >= 3600 ? `${(s / 3600).toFixed(1)} h` : `${Math.round(s / 60)} min`);

type Judged = Omit<Finding, 'kind'> | undefined;

/**
 * The whole-job figures of the live kinds, for jobs no live finding of that kind was raised
 * about: judged only when the job ran at least the rule's grace + sustain (what the live rule
 * could have seen), so that a short job is not held to what a long one is.
 */
const WHOLE_JOB: Partial<Record<FindingKind, (i: InspectorInput, r: EffectiveRule) => Judged>> = {
  low_cpu_efficiency: (i, r) =>
    i.cpuEfficiency === undefined || i.cpuEfficiency >= r.threshold
      ? undefined
      : {
          severity: 'warning',
          message: `the job used ${pct(i.cpuEfficiency)} of the CPU time it held (below ${pct(r.threshold)})`,
          value: i.cpuEfficiency,
        },
  idle_gpus: (i, r) =>
    i.gpus === 0 || i.gpuUtilization === undefined || i.gpuUtilization >= r.threshold
      ? undefined
      : {
          severity: 'warning',
          message: `the job held ${i.gpus} GPU(s) at ${pct(i.gpuUtilization)} mean utilization (below ${pct(r.threshold)})`,
          value: i.gpuUtilization,
        },
  uneven_load: (i, r) =>
    i.loadImbalance === undefined || i.loadImbalance < r.threshold
      ? undefined
      : {
          severity: 'warning',
          message: `CPU load differed by ${pct(i.loadImbalance)} between the busiest and the idlest node`,
          value: i.loadImbalance,
        },
};

/** The kinds judged only at the end. */
const AT_END: Partial<Record<FindingKind, (i: InspectorInput, r: EffectiveRule) => Judged>> = {
  memory_over_request: (i, r) => {
    if (i.memoryPeakBytes === undefined || i.memoryRequestedBytes <= 0) return undefined;
    const ratio = i.memoryPeakBytes / i.memoryRequestedBytes;
    if (ratio >= r.threshold) return undefined;
    return {
      severity: 'info',
      message: `peak memory was ${pct(ratio)} of the memory requested (below ${pct(r.threshold)})`,
      value: ratio,
    };
  },
  time_limit_over_request: (i, r) => {
    const limit = i.timeLimitSeconds;
    if (limit === undefined || i.elapsedSeconds === undefined || limit * 1000 < r.minTimeLimitMs) return undefined;
    const ratio = i.elapsedSeconds / limit;
    if (ratio >= r.threshold) return undefined;
    return {
      severity: 'info',
      message: `the job ran ${hours(i.elapsedSeconds)} of its ${hours(limit)} time limit (${pct(ratio)}, below ${pct(r.threshold)}): a long limit keeps it from backfill`,
      value: ratio,
    };
  },
};

/**
 * The findings of an ended job, in FINDING_KINDS order: the live ones raised while it ran
 * (severity warning, with when and per-node figures), the end-of-job kinds, and whole-job
 * figures of live kinds not raised live. Thresholds from `inspector.rules` with the partition's
 * overrides; exempt users and accounts, disabled rules and a disabled inspector give none. Pure.
 */
export function inspectJob(
  i: InspectorInput,
  config: InspectorConfig = DEFAULT_INSPECTOR,
  live: readonly RaisedFinding[] = [],
): Finding[] {
  if (!config.enabled || isExempt(config, i)) return [];
  const out: Finding[] = [];
  for (const kind of FINDING_KINDS) {
    const raised = live.find((f) => f.kind === kind);
    if (raised !== undefined) {
      out.push(liveFinding(raised));
      continue;
    }
    const rule = ruleFor(config, kind, i.partition);
    if (!rule.enabled) continue;
    const whole = WHOLE_JOB[kind];
    const longEnough = i.elapsedSeconds !== undefined && i.elapsedSeconds * 1000 >= rule.graceMs + rule.sustainMs;
    const judged = AT_END[kind]?.(i, rule) ?? (whole !== undefined && longEnough ? whole(i, rule) : undefined);
    if (judged !== undefined) out.push({ kind, ...judged });
  }
  return out;
}

/** A raised finding as the report lists it (snake_case keys). */
export function liveFinding(f: RaisedFinding): Finding {
  const cost = costFigures(f.cost);
  return {
    kind: f.kind,
    severity: 'warning',
    message: f.message,
    value: f.value,
    raised_at: new Date(f.raisedAtMs).toISOString(),
    nodes: f.nodes.map((n) => ({ node: n.node, text: n.text, value: n.value })),
    ...(Object.keys(cost).length === 0 ? {} : { cost }),
  };
}

function costFigures(c: FindingCost): FindingCostFigures {
  return {
    ...(c.idleCpuHours === undefined ? {} : { idle_cpu_hours: c.idleCpuHours }),
    ...(c.idleGpuHours === undefined ? {} : { idle_gpu_hours: c.idleGpuHours }),
    ...(c.energyJoules === undefined ? {} : { energy_joules: c.energyJoules }),
    ...(c.co2Grams === undefined ? {} : { co2_grams: c.co2Grams }),
  };
}
