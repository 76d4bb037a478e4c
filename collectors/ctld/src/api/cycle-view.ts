import type { RaisedFinding } from '../inspector/types.js';
import type { PollState } from '../slurm/poller.js';
import { eachSliced, runPaced, type PaceOptions, type Steps } from '../slices.js';
import type { Webjob } from '../webjobs.js';
import { arrayTailSteps, objectTail, prepareBody, type PreparedBody } from './bodies.js';
import type { CycleAnswers, CycleView } from './view.js';

/** What a cycle hands to {@link buildCycleView}. */
export interface CycleInput {
  readonly cycle: number;
  readonly nowMs: number;
  readonly poll: PollState;
  readonly webjobs: readonly Webjob[];
  /** The live inspector's active findings this cycle; none without an inspector. */
  readonly findings?: readonly RaisedFinding[];
}

/** A user's webjobs answer when the user has no running job (shared by every such name). */
const NO_JOBS: Promise<PreparedBody> = Promise.resolve({ tail: objectTail({ jobs: [] }) });

/** A user's findings answer when the user has no finding. */
const NO_FINDINGS: Promise<PreparedBody> = Promise.resolve({ tail: objectTail({ findings: [] }) });

/** Serialized once per key at its first request (a failed compression is not kept: the next request tries again). */
function once(cache: Map<string, Promise<PreparedBody>>, key: string, make: () => Promise<PreparedBody>) {
  let body = cache.get(key);
  if (body === undefined) {
    body = make();
    body.catch(() => cache.delete(key));
    cache.set(key, body);
  }
  return body;
}

/** {@link CycleAnswers} with the per-user answers serialized at their first request, once per cycle. */
class Answers implements CycleAnswers {
  // Keyed only by users who have running jobs: a request for any other name cannot grow it.
  private readonly perUser = new Map<string, Promise<PreparedBody>>();
  private readonly findingsPerUser = new Map<string, Promise<PreparedBody>>();

  constructor(
    readonly availability: PreparedBody | undefined,
    readonly webjobs: PreparedBody,
    private readonly byUser: ReadonlyMap<string, readonly Webjob[]>,
    readonly findings: PreparedBody,
    private readonly findingsByUser: ReadonlyMap<string, readonly RaisedFinding[]>,
  ) {}

  user(name: string): Promise<PreparedBody> {
    const jobs = this.byUser.get(name);
    if (jobs === undefined) return NO_JOBS;
    return once(this.perUser, name, () => prepareBody(objectTail({ jobs })));
  }

  userFindings(name: string): Promise<PreparedBody> {
    const findings = this.findingsByUser.get(name);
    if (findings === undefined) return NO_FINDINGS;
    return once(this.findingsPerUser, name, () => prepareBody(objectTail({ findings })));
  }
}

/**
 * Builds a cycle's view: the indexes by user and id, and the public answers serialized and
 * deflated once. Serialization runs in slices (a turn of the event loop every few ms, see
 * `runPaced`) and compression in the thread pool, so requests are answered meanwhile.
 */
export async function buildCycleView(input: CycleInput, pace?: PaceOptions): Promise<CycleView> {
  const { byUser, byId, webjobsTail } = await runPaced(viewSteps(input.webjobs), pace);
  const a = input.poll.result?.availability;
  const findings = input.findings ?? [];
  const findingsByUser = new Map<string, RaisedFinding[]>();
  for (const f of findings) {
    const list = findingsByUser.get(f.user);
    if (list === undefined) findingsByUser.set(f.user, [f]);
    else list.push(f);
  }
  // Availability carries the per-node list (the portal's grid): ~60 bytes a node, ~120 kB at
  // 2,000 nodes, serialized and deflated once per cycle like the rest.
  const [availability, webjobs, findingsBody] = await Promise.all([
    a === undefined
      ? undefined
      : prepareBody(objectTail({ preemptionModelled: a.preemptionModelled, partitions: a.partitions, nodes: a.nodes })),
    prepareBody(webjobsTail),
    prepareBody(objectTail({ findings })),
  ]);
  return {
    ...input,
    findings,
    byUser,
    byId,
    answers: new Answers(availability, webjobs, byUser, findingsBody, findingsByUser),
  };
}

function* viewSteps(webjobs: readonly Webjob[]): Steps<{
  byUser: Map<string, Webjob[]>;
  byId: Map<string, Webjob>;
  webjobsTail: Buffer;
}> {
  const byUser = new Map<string, Webjob[]>();
  const byId = new Map<string, Webjob>();
  yield* eachSliced(webjobs, (w) => {
    const list = byUser.get(w.user);
    if (list === undefined) byUser.set(w.user, [w]);
    else list.push(w);
    if (!byId.has(w.displayId)) byId.set(w.displayId, w);
  });
  // Raw ids last, so that a raw id wins over an equal display id of another job.
  yield* eachSliced(webjobs, (w) => byId.set(w.jobid, w), 2048);
  const webjobsTail = yield* arrayTailSteps('jobs', webjobs);
  return { byUser, byId, webjobsTail };
}
