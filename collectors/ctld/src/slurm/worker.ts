import { parentPort } from 'node:worker_threads';
import { CommandError, runCommand, type GroupTracker } from '@slurmscope/common';
import type { CommandRunner } from './commands.js';
import { readRawPoll } from './raw-poll.js';
import { buildPollResult, type RawPoll } from './snapshot.js';
import { packPollResult } from './transfer.js';
import type { WorkerEvent, WorkerReply, WorkerRequest } from './worker-client.js';

// The worker thread of SlurmPoller: runs the Slurm commands (a spawn blocks its caller's event
// loop until the child has exec'd: tens of ms on a busy host) and parses one poll's outputs, off
// the main event loop. It tells the main thread each command's process group as it starts and
// ends: a terminated worker kills nothing, so the main thread kills those groups (PollWorker).
const groups: GroupTracker = {
  add: (pgid) => parentPort?.postMessage({ pgid } satisfies WorkerEvent),
  delete: (ended) => parentPort?.postMessage({ ended } satisfies WorkerEvent),
};
const run: CommandRunner = (file, args, opts) => runCommand(file, args, { ...opts, groups });
/** The abort of each `run` in flight, by request id (the main thread's AbortSignal cannot cross). */
const aborts = new Map<number, AbortController>();

parentPort?.on('message', (req: WorkerRequest) => {
  if (req.op === 'abort') {
    aborts.get(req.id)?.abort();
    return;
  }
  void answer(req).then(
    ({ reply, transfer }) => parentPort?.postMessage(reply, transfer),
    (err: unknown) => parentPort?.postMessage(failure(req.id, err)),
  );
});

async function answer(
  req: Exclude<WorkerRequest, { op: 'abort' }>,
): Promise<{ reply: WorkerReply; transfer: ArrayBuffer[] }> {
  if (req.op === 'run') {
    const ctl = new AbortController();
    aborts.set(req.id, ctl);
    try {
      const result = await run(req.file, req.args, { ...req.opts, signal: ctl.signal });
      return { reply: { id: req.id, ok: true, op: 'run', result }, transfer: [] };
    } finally {
      aborts.delete(req.id);
    }
  }
  const raw: RawPoll = req.op === 'poll' ? await readRawPoll({ ...req.exec, run }, req.plan) : req.raw;
  const { packed, transfer } = packPollResult(buildPollResult(raw));
  return { reply: { id: req.id, ok: true, op: 'parse', packed }, transfer };
}

function failure(id: number, err: unknown): WorkerReply {
  const e = err instanceof Error ? err : new Error(String(err));
  const command = e instanceof CommandError ? { command: e.command, kind: e.kind } : {};
  return { id, ok: false, error: { name: e.name, message: e.message, ...command } };
}
