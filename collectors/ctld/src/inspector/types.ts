import type { FindingKind } from '@slurmscope/common';
import type { JobReport } from '../reports/types.js';

/** One node's figure behind a finding, for mails and the API: `node c0412: CPU 3 %`. */
export interface NodeFigure {
  readonly node: string;
  /** The figure as a user reads it: "CPU 3 %", "GPU 1: 0 %", "memory 61.2 of 64.0 GiB", "2 OOM kills". */
  readonly text: string;
  /** The raw figure (a ratio 0..1, or a count for OOM kills). */
  readonly value: number;
}

/** What a poorly used job cost so far; a figure nothing measured is absent (never 0 for unknown). */
export interface FindingCost {
  readonly idleCpuHours?: number;
  readonly idleGpuHours?: number;
  readonly energyJoules?: number;
  readonly co2Grams?: number;
}

/** A finding raised about a job: kept in ctld's state, shown in the API, mailed, copied into the report. */
export interface RaisedFinding {
  readonly jobid: string;
  readonly displayId: string;
  readonly cluster: string;
  readonly user: string;
  readonly account: string;
  readonly partition: string;
  readonly kind: FindingKind;
  readonly raisedAtMs: number;
  /** How long the job had run when the finding was raised, seconds. */
  readonly elapsedSeconds: number;
  /** The job-level figure compared with the threshold (a ratio; a count for oom_killed). */
  readonly value: number;
  readonly threshold: number;
  /** One sentence: what was seen ("CPU load differed by 94 % between the busiest and the idlest node"). */
  readonly message: string;
  /** Per-node figures, busiest problem first. */
  readonly nodes: readonly NodeFigure[];
  readonly cost: FindingCost;
}

/**
 * Where findings go to be mailed (the mail service). Neither method throws or waits: mails are
 * queued on disk and sent in the background.
 */
export interface FindingMailPort {
  /**
   * A finding about a running job, passed once per job and kind, and only once the job has run
   * `inspector.minElapsed` (findings of jobs that end before are never mailed).
   */
  raised(finding: RaisedFinding): void;
  /**
   * A job's report was written (every job, with or without findings: the weekly summary counts
   * them all); mails the report's findings not already mailed, if the job ran `minElapsed`.
   */
  ended(report: JobReport): void;
}

/**
 * Where the report service takes a job's live findings from (the inspector), so that the job's
 * report lists them; added for issue 10's report hand-off.
 */
export interface FindingSource {
  /** The findings raised about a job while it ran (empty when none), with their cost so far. */
  forReport(jobid: string): readonly RaisedFinding[];
  /** The job's report was written: its findings are in it and may be forgotten; its end-of-job kinds are counted. */
  reported(report: JobReport): void;
}
