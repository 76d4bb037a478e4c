/** How long a rule's condition has held so far (kept per job and rule in the state). */
export interface SustainTrack {
  /** Time the condition was measured to hold, summed over measured cycles (ms). */
  readonly heldMs: number;
  /** The last measured cycle (ms): the start of the next step. */
  readonly lastMeasuredMs: number;
}

/** What {@link sustainStep} decides for one rule of one job in one cycle. */
export interface SustainStep {
  /** The track after this cycle, or undefined when the condition does not hold (or not judged yet). */
  readonly track: SustainTrack | undefined;
  /** True when the finding is to be raised now. */
  readonly fire: boolean;
}

/** One cycle's facts for {@link sustainStep}. */
export interface SustainInput {
  readonly nowMs: number;
  /** The previous cycles' track. */
  readonly track: SustainTrack | undefined;
  /** How long the job has run (ms). */
  readonly elapsedMs: number;
  readonly graceMs: number;
  readonly sustainMs: number;
  /** Longest step counted as held (3 × ctld's interval): beyond, nobody measured the time between. */
  readonly maxStepMs: number;
  /** Undefined: no data this cycle (no fresh report, no figure). */
  readonly holds: boolean | undefined;
}

/**
 * The grace and sustain logic of a live rule. Pure. During the grace nothing is looked at; then
 * a measured cycle where the condition holds adds the time since the last measured cycle (at
 * most `maxStepMs`) to the time held, one where it does not resets it, and a cycle without data
 * changes nothing (an agent that missed a report does not restart a 30-minute wait, and neither
 * a gap in the data nor ctld's downtime counts as held). Fires once held `sustainMs`.
 */
export function sustainStep(i: SustainInput): SustainStep {
  if (i.elapsedMs < i.graceMs) return { track: undefined, fire: false };
  if (i.holds === undefined) return { track: i.track, fire: false };
  if (!i.holds) return { track: undefined, fire: false };
  const step = i.track === undefined ? 0 : Math.min(Math.max(0, i.nowMs - i.track.lastMeasuredMs), i.maxStepMs);
  const track = { heldMs: (i.track?.heldMs ?? 0) + step, lastMeasuredMs: i.nowMs };
  return { track, fire: track.heldMs >= i.sustainMs };
}
