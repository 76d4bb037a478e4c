import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MessageChannel } from 'node:worker_threads';
import { slurmFixture } from './parse/fixtures.js';
import { buildPollResult, type PollResult } from './snapshot.js';
import { packPollResult, unpackPollResult, type PackedPollResult } from './transfer.js';

const RESULT = buildPollResult({
  timestampMs: 1_800_000_000_000,
  nodesJson: slurmFixture('22.05/sinfo.json'),
  jobs: slurmFixture('22.05/squeue-running.txt'),
  jobsFormat: 'squeue-text',
  partitions: slurmFixture('22.05/scontrol-partition.txt'),
  config: slurmFixture('22.05/scontrol-config.txt'),
  sdiag: slurmFixture('22.05/sdiag.txt'),
});

const CASES: ReadonlyArray<{ name: string; every: number }> = [
  { name: 'one slice', every: 1000 },
  { name: 'a slice per item', every: 1 },
  { name: 'uneven slices', every: 4 },
];

for (const c of CASES) {
  test(`packPollResult → postMessage (transferred) → unpackPollResult: ${c.name}`, async () => {
    assert.ok(RESULT.snapshot.jobs.length > 4 && RESULT.snapshot.nodes.length > 1);
    const { packed, transfer } = packPollResult(RESULT, c.every);
    assert.equal(packed.jobs.length, Math.ceil(RESULT.snapshot.jobs.length / c.every));
    assert.deepEqual(packed.rest.snapshot.jobs, []);
    const { port1, port2 } = new MessageChannel();
    const got = new Promise<PackedPollResult>((resolve) => port2.once('message', resolve));
    port1.postMessage(packed, transfer);
    assert.equal(transfer[0]?.byteLength, 0, 'the slices were moved, not copied');
    const back: PollResult = unpackPollResult(await got);
    port1.close();
    assert.deepEqual(back, RESULT);
  });
}
