// Availability on the real cluster: a running one-CPU job with a 5-minute limit (`-t 5`) shows up
// in what its partition frees within 1 h, in /api/v1/availability and on /metrics, and its node is
// in the answer's per-node list; the job is cancelled afterwards.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  cancelJob,
  fetchText,
  freePort,
  loadStack,
  metricValue,
  submitJob,
  waitFor,
  waitForJobState,
} from '../lib/index.js';
import { startCli, waitForOk } from './ctld-processes.js';

const stack = loadStack();

interface FreeWithin {
  '1h': number;
  '6h': number;
}
interface Partition {
  partition: string;
  state: string;
  nodesFreeWithin: FreeWithin;
  cpus: { freeWithin: FreeWithin; byState: { allocated: number } };
}
interface AvailabilityAnswer {
  stale: boolean;
  partitions: Partition[];
  nodes: Array<{ node: string; state: string; partitions: string[] }>;
}

test(
  'a running -t 5 job is in its partition freeWithin["1h"], on /metrics, and its node in the grid list',
  { timeout: 120_000 },
  async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'ctld-availability-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    writeFileSync(
      join(dir, 'ctld.yaml'),
      JSON.stringify({ interval: '1s', api: { listen: `127.0.0.1:${port}` }, reports: { dir: join(dir, 'reports') } }),
    );
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', SLURM_CONF: stack.paths.slurmConf, HOME: dir };
    const ctld = startCli(['ctld', '--config', join(dir, 'ctld.yaml')], { env });
    t.after(async () => {
      assert.equal(await ctld.stop(), 0, `ctld exit code; stderr: ${ctld.stderr().slice(-1500)}`);
    });
    await waitForOk(`${base}/api/v1/availability`, ctld);

    const node = stack.nodes[stack.nodes.length - 1]!;
    const partition = stack.partitions.default;
    const jobid = await submitJob(
      { wrap: 'sleep 240', mem: '64M', ntasks: 1, nodelist: node, partition, name: 'ctld-freeing', time: '5' },
      stack,
    );
    t.after(async () => {
      await cancelJob(jobid, stack);
      await waitForJobState(jobid, ['CANCELLED', 'COMPLETED'], 60_000, stack);
    });
    await waitForJobState(jobid, ['RUNNING'], 60_000, stack);

    // The first poll that sees the job RUNNING: its CPU frees within 1 h (and so within 6 h).
    const p = await waitFor(
      async () => {
        const a = JSON.parse(await fetchText(`${base}/api/v1/availability`)) as AvailabilityAnswer;
        const mine = a.partitions.find((x) => x.partition === partition);
        const listed = a.nodes.find((n) => n.node === node);
        const busy = listed !== undefined && (listed.state === 'mixed' || listed.state === 'allocated');
        return !a.stale && mine !== undefined && mine.cpus.freeWithin['1h'] >= 1 && busy ? { mine, listed } : undefined;
      },
      { timeoutMs: 15_000, intervalMs: 250, what: `job ${jobid}'s CPU in ${partition}'s freeWithin["1h"]` },
    );
    assert.equal(p.mine.state, 'UP');
    assert.ok(p.mine.cpus.freeWithin['6h'] >= p.mine.cpus.freeWithin['1h'], 'cumulative: 6h includes 1h');
    assert.ok(p.mine.cpus.freeWithin['1h'] <= p.mine.cpus.byState.allocated, 'never more than is allocated');
    assert.ok(p.listed?.partitions.includes(partition), `node ${node} lists ${partition}`);
    const metrics = await fetchText(`${base}/metrics`);
    const fromMetrics = metricValue(metrics, 'slurmscope_partition_freeing_cpus', { partition, within: '1h' });
    assert.ok(
      (fromMetrics ?? 0) >= 1,
      `slurmscope_partition_freeing_cpus{partition="${partition}",within="1h"} = ${fromMetrics}`,
    );
    t.diagnostic(
      `job ${jobid} on ${node}: ${partition} frees ${p.mine.cpus.freeWithin['1h']} CPUs within 1 h, ` +
        `${p.mine.nodesFreeWithin['1h']} whole nodes`,
    );
  },
);
