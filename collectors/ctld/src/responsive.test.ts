// The API answers while a cycle computes: ctld's per-cycle work on a large cluster (webjobs,
// the prebuilt answers, the report tracker) gives the event loop back between slices, so a
// request that arrives meanwhile waits milliseconds, not the whole cycle.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { constantIntensity } from './co2.js';
import type { NodeReport } from '@slurmscope/common';
import { RecordingLogger } from '@slurmscope/model';
import { buildCycleView } from './api/cycle-view.js';
import { createApiServer } from './api/server.js';
import type { CycleView } from './api/view.js';
import { Authenticator } from './auth/authenticator.js';
import { NodeReportStore } from './node-reports.js';
import { jobInfo, reportJob } from './reports/testkit.js';
import { JobTracker } from './reports/tracker.js';
import type { PollResult } from './slurm/snapshot.js';
import { computeWebjobsPaced } from './webjobs.js';

const JOBS = 30_000;
const NODES = 2_000;

test('API: requests during a 30,000-job cycle (webjobs, answers, tracker) are answered within a bound', async (t) => {
  const now = Date.now();
  const jobs = Array.from({ length: JOBS }, (_, i) =>
    jobInfo({ jobid: String(1_000_000 + i), user: `u${i % 400}`, nodes: [`n${i % NODES}`, `n${(i + 7) % NODES}`] }),
  );
  const reports: NodeReport[] = Array.from({ length: NODES }, (_, n) => ({
    version: 1,
    node: `n${n}`,
    timestampMs: now,
    intervalMs: 10_000,
    cpus: 128,
    power: { raplWatts: 300 },
    jobs: jobs
      .filter((_, i) => i % NODES === n)
      .map((j) => reportJob({ jobid: j.jobid, cpuSeconds: 100, cpuUtilization: 0.5, memoryUsedBytes: 1e9 })),
  }));
  const result = {
    snapshot: { timestampMs: now, jobs },
    availability: { timestampMs: now, preemptionModelled: true, partitions: [] },
  } as unknown as PollResult;
  let view: CycleView | undefined = await buildCycleView({
    cycle: 1,
    nowMs: now,
    poll: { result, stale: false },
    webjobs: [],
  });
  const server = createApiServer({
    listen: '127.0.0.1:0',
    tls: undefined,
    exposition: { metrics: () => Promise.resolve(''), contentType: 'text/plain' },
    ctx: {
      view: () => view,
      reports: () => undefined,
      intervalMs: 30_000,
      auth: new Authenticator({ trustedProxy: { addresses: [], header: 'x-remote-user' } }),
      nodeReports: new NodeReportStore(),
      now: Date.now,
      log: new RecordingLogger(),
      title: 'test',
    },
  });
  const { port } = await server.start();
  t.after(() => server.close());
  const url = `http://127.0.0.1:${port}/api/v1/availability`;
  await (await fetch(url)).text(); // warm the connection pool and the route

  let done = false;
  const latencies: number[] = [];
  const client = (async () => {
    while (!done) {
      const t0 = performance.now();
      const res = await fetch(url);
      await res.text();
      assert.equal(res.status, 200);
      if (!done) latencies.push(performance.now() - t0);
      await new Promise((r) => setTimeout(r, 2));
    }
  })();

  // The cycle as ctld runs it.
  const t0 = performance.now();
  const tracker = new JobTracker({
    profilePoints: 100,
    pue: 1.2,
    nodeOverheadWatts: 0,
    intensity: constantIntensity(300, 'lifecycle'),
  });
  const webjobs = await computeWebjobsPaced({ jobs, reports, nowMs: now });
  view = await buildCycleView({ cycle: 2, nowMs: now, poll: { result, stale: false }, webjobs });
  await tracker.observePaced(now, jobs, reports);
  const workMs = performance.now() - t0;
  done = true;
  await client;

  assert.equal(view.webjobs.length, JOBS);
  assert.equal(tracker.jobs.size, JOBS);
  // Done in one piece, this work would hold every request for all of workMs.
  assert.ok(workMs > 200, `the cycle took ${workMs.toFixed(0)} ms: too little to show anything`);
  const max = Math.max(...latencies);
  t.diagnostic(
    `cycle ${workMs.toFixed(0)} ms; ${latencies.length} requests answered meanwhile, slowest ${max.toFixed(1)} ms`,
  );
  assert.ok(latencies.length >= 10, `only ${latencies.length} requests answered during ${workMs.toFixed(0)} ms`);
  assert.ok(
    max < Math.min(120, workMs / 3),
    `a request waited ${max.toFixed(0)} ms during a ${workMs.toFixed(0)} ms cycle (${latencies.length} answered)`,
  );
});
