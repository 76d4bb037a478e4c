// A poll result crosses from the parse worker to the main thread as one message. Cloned whole,
// its 30,000 jobs take the main thread ~100 ms to deserialize in one piece, during which no API
// request is answered. Packed, the jobs and nodes travel as v8-serialized slices (transferred,
// not copied) that the main thread deserializes a slice at a time, pausing between slices.
import { deserialize, serialize } from 'node:v8';
import { runSteps, type Steps } from '../slices.js';
import type { PollResult } from './snapshot.js';
import type { JobInfo, NodeInfo } from './types.js';

/** A PollResult packed by {@link packPollResult}: jobs and nodes as serialized slices. */
export interface PackedPollResult {
  /** The result with empty `jobs` and `nodes`: everything else, cloned as usual. */
  readonly rest: PollResult;
  readonly jobs: readonly ArrayBuffer[];
  readonly nodes: readonly ArrayBuffer[];
}

/** Packs a result for postMessage; `transfer` is the message's transfer list. */
export function packPollResult(r: PollResult, every = 500): { packed: PackedPollResult; transfer: ArrayBuffer[] } {
  const jobs = slices(r.snapshot.jobs, every);
  const nodes = slices(r.snapshot.nodes, every);
  const rest: PollResult = { ...r, snapshot: { ...r.snapshot, jobs: [], nodes: [] } };
  return { packed: { rest, jobs, nodes }, transfer: [...jobs, ...nodes] };
}

function slices(items: readonly unknown[], every: number): ArrayBuffer[] {
  const out: ArrayBuffer[] = [];
  for (let i = 0; i < items.length; i += every) {
    const b = serialize(items.slice(i, i + every));
    // Transfer needs a buffer of its own; v8.serialize's normally is, copy if it is not.
    const own = b.byteOffset === 0 && b.buffer.byteLength === b.length ? b.buffer : new Uint8Array(b).buffer;
    out.push(own as ArrayBuffer);
  }
  return out;
}

/** {@link unpackSteps} run at once. */
export function unpackPollResult(p: PackedPollResult): PollResult {
  return runSteps(unpackSteps(p));
}

/** Rebuilds a packed result, one slice per step. */
export function* unpackSteps(p: PackedPollResult): Steps<PollResult> {
  const jobs = yield* unslice<JobInfo>(p.jobs);
  const nodes = yield* unslice<NodeInfo>(p.nodes);
  return { ...p.rest, snapshot: { ...p.rest.snapshot, jobs, nodes } };
}

function* unslice<T>(buffers: readonly ArrayBuffer[]): Steps<T[]> {
  const out: T[] = [];
  for (const buf of buffers) {
    // v8.deserialize gives back what v8.serialize was given in packPollResult: an array of T.
    for (const item of deserialize(Buffer.from(buf)) as T[]) out.push(item);
    yield;
  }
  return out;
}
