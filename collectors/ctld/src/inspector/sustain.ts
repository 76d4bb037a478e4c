/** What {@link sustainStep} decides for one rule of one job in one cycle. */
export interface SustainStep {
  /** When the condition started to hold without a break (ms), or undefined when it does not. */
  readonly since: number | undefined;
  /** True when the finding is to be raised now. */
  readonly fire: boolean;
}

/** One cycle's facts for {@link sustainStep}. */
export interface SustainInput {
  readonly nowMs: number;
  /** The previous cycles' start of the condition. */
  readonly since: number | undefined;
  /** How long the job has run (ms). */
  readonly elapsedMs: number;
  readonly graceMs: number;
  readonly sustainMs: number;
  /** Undefined: no data this cycle (no fresh report, no figure). */
  readonly holds: boolean | undefined;
}

/**
 * The grace and sustain logic of a live rule. Pure. During the grace nothing is looked at; then
 * a measured cycle where the condition holds starts (or continues) the sustain, one where it
 * does not resets it, and a cycle without data neither advances nor resets it (an agent that
 * missed a report does not restart a 30-minute wait). Fires once the condition held `sustainMs`.
 */
export function sustainStep(i: SustainInput): SustainStep {
  if (i.elapsedMs < i.graceMs) return { since: undefined, fire: false };
  if (i.holds === undefined) return { since: i.since, fire: false };
  if (!i.holds) return { since: undefined, fire: false };
  const since = i.since ?? i.nowMs;
  return { since, fire: i.nowMs - since >= i.sustainMs };
}
