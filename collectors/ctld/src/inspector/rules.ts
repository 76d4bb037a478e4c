import type { FindingKind, InspectorConfig } from '@slurmscope/common';

/** One rule as it applies to one partition: `inspector.rules.<kind>` with the partition's overrides merged. */
export interface EffectiveRule {
  readonly enabled: boolean;
  /** Ratio 0..1; unused by oom_killed. */
  readonly threshold: number;
  /** Start-up time during which a live rule does not look, ms (0 for end-of-job rules and oom_killed). */
  readonly graceMs: number;
  /** How long a live condition must hold without a break, ms. */
  readonly sustainMs: number;
  /** time_limit_over_request only: shorter limits are not judged, ms. */
  readonly minTimeLimitMs: number;
}

type RuleKeys = Partial<{
  enabled: boolean;
  threshold: number;
  grace: number;
  sustain: number;
  minTimeLimit: number;
}>;

/** The rule of `kind` for a job of `partition`: the partition's keys over `inspector.rules`. Pure. */
export function ruleFor(config: InspectorConfig, kind: FindingKind, partition: string): EffectiveRule {
  const base = config.rules[kind] as RuleKeys;
  // Slurm lists a job submitted to several partitions as "a,b" until it starts; once running it is one.
  const over: RuleKeys = config.partitions[partition]?.[kind] ?? {};
  const pick = <K extends keyof RuleKeys>(k: K): RuleKeys[K] => over[k] ?? base[k];
  return {
    enabled: config.enabled && (pick('enabled') ?? true),
    threshold: pick('threshold') ?? 0,
    graceMs: pick('grace') ?? 0,
    sustainMs: pick('sustain') ?? 0,
    minTimeLimitMs: pick('minTimeLimit') ?? 0,
  };
}

/** True when the job's user or account is in `inspector.exempt`: such jobs are never judged. */
export function isExempt(config: InspectorConfig, job: { user: string; account: string }): boolean {
  return config.exempt.users.includes(job.user) || config.exempt.accounts.includes(job.account);
}
