import { parentPort } from 'node:worker_threads';
import { CommandError, runCommand } from '@slurmscope/common';
import { readRawPoll } from './raw-poll.js';
import { buildPollResult, type RawPoll } from './snapshot.js';
import { packPollResult } from './transfer.js';
import type { WorkerReply, WorkerRequest } from './worker-client.js';

// The worker thread of SlurmPoller: runs the Slurm commands (a spawn blocks its caller's event
// loop until the child has exec'd: tens of ms on a busy host) and parses one poll's outputs, off
// the main event loop.
parentPort?.on('message', (req: WorkerRequest) => {
  void answer(req).then(
    ({ reply, transfer }) => parentPort?.postMessage(reply, transfer),
    (err: unknown) => parentPort?.postMessage(failure(req.id, err)),
  );
});

async function answer(req: WorkerRequest): Promise<{ reply: WorkerReply; transfer: ArrayBuffer[] }> {
  if (req.op === 'run') {
    const result = await runCommand(req.file, req.args, req.opts);
    return { reply: { id: req.id, ok: true, op: 'run', result }, transfer: [] };
  }
  const raw: RawPoll = req.op === 'poll' ? await readRawPoll(req.exec, req.plan) : req.raw;
  const { packed, transfer } = packPollResult(buildPollResult(raw));
  return { reply: { id: req.id, ok: true, op: 'parse', packed }, transfer };
}

function failure(id: number, err: unknown): WorkerReply {
  const e = err instanceof Error ? err : new Error(String(err));
  const command = e instanceof CommandError ? { command: e.command, kind: e.kind } : {};
  return { id, ok: false, error: { name: e.name, message: e.message, ...command } };
}
