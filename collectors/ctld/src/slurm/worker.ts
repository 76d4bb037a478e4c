import { parentPort } from 'node:worker_threads';
import { buildPollResult, type RawPoll } from './snapshot.js';

/** A request to the parse worker. */
export interface WorkerRequest {
  readonly id: number;
  readonly raw: RawPoll;
}

// The worker thread of SlurmPoller: parses one poll's outputs off the main event loop.
parentPort?.on('message', (req: WorkerRequest) => {
  try {
    parentPort?.postMessage({ id: req.id, ok: true, result: buildPollResult(req.raw) });
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    parentPort?.postMessage({ id: req.id, ok: false, error: { name: e.name, message: e.message } });
  }
});
