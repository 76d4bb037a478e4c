import { mkdirSync, readFileSync, renameSync } from 'node:fs';
import { dirname } from 'node:path';
import { errorMessage, writeFileAtomic, type FindingKind } from '@slurmscope/common';
import type { Logger } from '@slurmscope/model';
import type { SustainedKind } from './checks/index.js';
import { emptyTally, type CostTally } from './cost.js';
import type { SustainTrack } from './sustain.js';
import type { RaisedFinding } from './types.js';

/** What the inspector keeps about one job, running or ended (until its report took the findings). */
export interface JobEntry {
  readonly jobid: string;
  displayId: string;
  user: string;
  account: string;
  partition: string;
  /** Per rule, how long its condition has held over measured cycles (absent: it does not). */
  sustain: Partial<Record<SustainedKind, SustainTrack>>;
  /** OOM kills last seen per node. */
  oomSeen: Record<string, number>;
  cost: CostTally;
  /** Findings raised, in raise order; one per kind. */
  raised: RaisedFinding[];
  /** Kinds already passed to the mail port. */
  mailed: FindingKind[];
  /** True while the latest snapshot lists the job in another state than RUNNING (requeued, suspended). */
  notRunning?: boolean;
  /** When the job left the Slurm snapshot; absent while it runs. */
  endedMs?: number;
  lastSeenMs: number;
}

/** The whole inspector state: jobs by raw id, findings raised so far per kind (never reset). */
export interface InspectorState {
  readonly jobs: Map<string, JobEntry>;
  readonly totals: Partial<Record<FindingKind, number>>;
}

/** A new job entry. */
export function newEntry(
  j: Pick<JobEntry, 'jobid' | 'displayId' | 'user' | 'account' | 'partition'>,
  nowMs: number,
): JobEntry {
  return { ...j, sustain: {}, oomSeen: {}, cost: emptyTally(), raised: [], mailed: [], lastSeenMs: nowMs };
}

/** An entry worth a line in the file: something a restart must neither forget nor repeat. */
function worthKeeping(e: JobEntry): boolean {
  return (
    e.raised.length > 0 ||
    e.endedMs !== undefined ||
    Object.keys(e.sustain).length > 0 ||
    Object.values(e.oomSeen).some((v) => v > 0)
  );
}

/** Serializes the state (jobs nothing was noticed about are left out: their cost restarts at 0). */
export function serializeState(s: InspectorState): string {
  return JSON.stringify({ version: 1, totals: s.totals, jobs: [...s.jobs.values()].filter(worthKeeping) });
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function isEntry(v: unknown): v is JobEntry {
  return (
    isObject(v) &&
    typeof v['jobid'] === 'string' &&
    typeof v['user'] === 'string' &&
    typeof v['lastSeenMs'] === 'number' &&
    Array.isArray(v['raised']) &&
    v['raised'].every((f) => isObject(f) && typeof f['kind'] === 'string' && typeof f['message'] === 'string') &&
    Array.isArray(v['mailed']) &&
    isObject(v['oomSeen']) &&
    isObject(v['cost']) &&
    isObject(v['cost']['energy'])
  );
}

const isTrack = (v: unknown): v is SustainTrack =>
  isObject(v) && typeof v['heldMs'] === 'number' && typeof v['lastMeasuredMs'] === 'number';

/**
 * The entry with its well-formed sustain tracks only. Files of the first release kept `since`
 * (a wall-clock start, which counted gaps and downtime as held): dropped, those sustains restart.
 */
function withTracks(j: JobEntry & { since?: unknown }): JobEntry {
  const rest: JobEntry & { since?: unknown } = { ...j };
  delete rest.since;
  const tracks = isObject(rest.sustain) ? Object.entries(rest.sustain).filter(([, t]) => isTrack(t)) : [];
  return { ...rest, sustain: Object.fromEntries(tracks) };
}

/** Parses a state file's text; throws an Error saying what is wrong. */
export function parseState(text: string): InspectorState {
  const data: unknown = JSON.parse(text);
  if (!isObject(data) || data['version'] !== 1) throw new Error('not an inspector state (version 1)');
  const { jobs, totals } = data;
  if (!Array.isArray(jobs) || !isObject(totals)) throw new Error('no jobs list or totals');
  const bad = jobs.findIndex((j) => !isEntry(j));
  if (bad >= 0) throw new Error(`job entry ${bad} is malformed`);
  return {
    jobs: new Map((jobs as JobEntry[]).map((j) => [j.jobid, withTracks(j)])),
    totals: totals as InspectorState['totals'],
  };
}

/**
 * Loads the state file; none yet is an empty state. A file that cannot be parsed is logged with
 * its path, moved aside (`<file>.corrupt-<ms>`) and replaced by an empty state: ctld starts, and
 * at worst a finding is raised a second time.
 */
export function loadState(file: string, log: Logger, nowMs: number): InspectorState {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { jobs: new Map(), totals: {} };
    log.error({ file, err: errorMessage(err) }, 'cannot read the inspector state; starting empty');
    return { jobs: new Map(), totals: {} };
  }
  try {
    return parseState(text);
  } catch (err) {
    const aside = `${file}.corrupt-${nowMs}`;
    try {
      renameSync(file, aside);
    } catch (e) {
      log.error({ file, err: errorMessage(e) }, 'cannot move the corrupt inspector state aside');
    }
    log.error({ file, movedTo: aside, err: errorMessage(err) }, 'corrupt inspector state moved aside; starting empty');
    return { jobs: new Map(), totals: {} };
  }
}

/**
 * Writes the state atomically (a 0600 temporary file, fsynced, renamed over the old one, the
 * directory fsynced: after a crash the old or the new state, never a torn one). Throws on failure.
 */
export function saveState(file: string, s: InspectorState): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  writeFileAtomic(file, serializeState(s), 0o600);
}
