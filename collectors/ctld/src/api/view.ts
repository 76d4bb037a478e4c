import type { MetricFamily } from '@slurmscope/model';
import { CTLD_FAMILIES } from '../metrics.js';
import type { PollState } from '../slurm/poller.js';
import type { RaisedFinding } from '../inspector/types.js';
import type { Webjob } from '../webjobs.js';
import type { PreparedBody } from './bodies.js';

/** What one ctld cycle computed: every API and /metrics reader is served from the latest one. */
export interface CycleView {
  /** Cycle number, from 1. */
  readonly cycle: number;
  /** When the cycle ran (ms since epoch). */
  readonly nowMs: number;
  /** The poll's state: the last good result (possibly from an earlier cycle) and whether this poll failed. */
  readonly poll: PollState;
  readonly webjobs: readonly Webjob[];
  /** Running jobs by user, in `webjobs` order. */
  readonly byUser: ReadonlyMap<string, readonly Webjob[]>;
  /** Running jobs by raw id and by the id users know (`1234_5`, `1234+1`); the raw id wins. */
  readonly byId: ReadonlyMap<string, Webjob>;
  /** The live inspector's findings about running jobs, with their cost so far (empty without an inspector). */
  readonly findings: readonly RaisedFinding[];
  /** The public answers, serialized once for this cycle. */
  readonly answers: CycleAnswers;
}

/** The public answers of one cycle, serialized once (per user: at the first request for that user). */
export interface CycleAnswers {
  /** `/api/v1/availability`; undefined before the first good poll. */
  readonly availability?: PreparedBody;
  /** `/api/v1/webjobs`. */
  readonly webjobs: PreparedBody;
  /** `/api/v1/webjobs?user=`. */
  user(name: string): Promise<PreparedBody>;
  /** `/api/v1/findings`. */
  readonly findings: PreparedBody;
  /** `/api/v1/findings?user=`. */
  userFindings(name: string): Promise<PreparedBody>;
}

/** How fresh the served snapshot is, as the API reports it next to every answer. */
export interface Freshness {
  /** When the served snapshot was taken (ms since epoch). */
  readonly snapshotMs: number;
  readonly snapshotAgeSeconds: number;
  /** True when the last poll failed, or the snapshot is older than `staleAfterIntervals` intervals. */
  readonly stale: boolean;
  /** Why the last poll failed, when it did. */
  readonly error?: string;
}

/**
 * The freshness of a view at `nowMs`, or undefined before the first good poll. A snapshot is
 * stale when its poll failed or when no poll has finished for `staleAfterIntervals` intervals
 * (a Slurm that hangs until the command timeout). Pure.
 */
export function freshness(
  view: Pick<CycleView, 'poll'> | undefined,
  nowMs: number,
  intervalMs: number,
  staleAfterIntervals = 3,
): Freshness | undefined {
  const snapshotMs = view?.poll.result?.snapshot.timestampMs;
  if (view === undefined || snapshotMs === undefined) return undefined;
  const age = Math.max(0, (nowMs - snapshotMs) / 1000);
  return {
    snapshotMs,
    snapshotAgeSeconds: Math.round(age * 1000) / 1000,
    stale: view.poll.stale || age * 1000 > staleAfterIntervals * intervalMs,
    ...(view.poll.error === undefined ? {} : { error: view.poll.error }),
  };
}

/**
 * `slurmscope_slurm_snapshot_age_seconds` and `slurmscope_slurm_snapshot_stale` of a freshness
 * (from {@link freshness}, as the API reads it: /metrics and the API never disagree). No
 * snapshot yet (undefined) is stale, as the API's 503 says, and has no age.
 */
export function freshnessFamilies(fresh: Freshness | undefined): MetricFamily[] {
  return [
    {
      ...CTLD_FAMILIES.slurmSnapshotAge,
      samples: fresh === undefined ? [] : [{ labels: {}, value: fresh.snapshotAgeSeconds }],
    },
    { ...CTLD_FAMILIES.slurmSnapshotStale, samples: [{ labels: {}, value: fresh?.stale !== false ? 1 : 0 }] },
  ];
}
