import { ParseError } from '@slurmscope/common';
import { computeAvailability, type Availability } from '../availability.js';
import { parseJobsJson } from './parse/json-jobs.js';
import { parseNodesJson } from './parse/json-nodes.js';
import { parsePartitions, parseSdiag, parseSlurmConfig } from './parse/scontrol.js';
import { parseSqueue } from './parse/squeue.js';
import type { SlurmConfig, SlurmSnapshot } from './types.js';

/** The raw outputs of one poll: what the worker thread receives. */
export interface RawPoll {
  readonly timestampMs: number;
  /** `sinfo --json` (22.05) or `scontrol show nodes --json` (23.02+). */
  readonly nodesJson: string;
  /** `squeue` with the running-jobs format (text), or `squeue --json` where `jobsFormat` is json. */
  readonly jobs: string;
  readonly jobsFormat: 'squeue-text' | 'json';
  /** `scontrol show partition -o`. */
  readonly partitions: string;
  /** `scontrol show config`; absent on polls that reuse `previousConfig`. */
  readonly config?: string;
  readonly previousConfig?: SlurmConfig;
  /** `sdiag`; absent where sdiag is not polled. */
  readonly sdiag?: string;
}

/** A parsed poll with its availability. */
export interface PollResult {
  readonly snapshot: SlurmSnapshot;
  readonly availability: Availability;
}

/** Parses one poll's outputs and computes availability. Pure; runs in the worker thread. */
export function buildPollResult(raw: RawPoll): PollResult {
  const { version, nodes } = parseNodesJson(raw.nodesJson, 'nodes');
  const jobs =
    raw.jobsFormat === 'json' ? parseJobsJson(raw.jobs, 'squeue --json').jobs : parseSqueue(raw.jobs, 'squeue');
  const partitions = parsePartitions(raw.partitions);
  let config = raw.previousConfig;
  if (raw.config !== undefined) config = parseSlurmConfig(raw.config);
  if (config === undefined) throw new ParseError('scontrol show config', 'no configuration read yet');
  const sdiag = raw.sdiag === undefined ? { rpcs: {} } : parseSdiag(raw.sdiag);
  const snapshot: SlurmSnapshot = {
    timestampMs: raw.timestampMs,
    version: version.version,
    release: version.release,
    config,
    nodes,
    partitions,
    jobs,
    sdiag,
  };
  const availability = computeAvailability({
    nodes,
    partitions,
    jobs,
    preempt: config.preempt,
    nowMs: raw.timestampMs,
  });
  return { snapshot, availability };
}
