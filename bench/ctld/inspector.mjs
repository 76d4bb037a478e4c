#!/usr/bin/env node
// The live inspector's cost per ctld cycle (issue 10): 30,000 running jobs on 2 nodes each
// (a tenth uneven, a tenth at low CPU efficiency, a tenth near their memory limit, the rest
// fine), judged for 40 cycles of 30 s with the default rules, the state kept in a file.
// Run after `npx tsc -b`: node --expose-gc bench/ctld/inspector.mjs [jobs]. The last slice of
// each cycle writes the state file (the figures include it).
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspectorSection } from '@slurmscope/common';
import { LiveInspector } from '@slurmscope/ctld';
import { median, quantile, quietLogger } from './stats.mjs';

const JOBS = Number(process.argv[2] ?? 30_000);
const CYCLES = 40;
const INTERVAL = 30_000;
const T0 = Date.parse('2026-03-02T10:00:00Z');
const GiB = 2 ** 30;

const jobs = Array.from({ length: JOBS }, (_, i) => ({
  jobid: String(1_000_000 + i),
  displayId: String(1_000_000 + i),
  user: `user${i % 500}`,
  account: `acct${i % 50}`,
  partition: i % 3 === 0 ? 'gpu' : 'batch',
  state: 'RUNNING',
  nodes: [`c${(2 * i) % 2000}`, `c${(2 * i + 1) % 2000}`],
  cpus: 64,
  memoryBytes: 64 * GiB,
  gpus: 0,
  gpusByType: {},
  startTimeMs: T0 - 60_000,
  timeLimitSeconds: 86_400,
}));

/** The job's figures on its two nodes in a cycle: its kind decides the shape. */
function webjob(j, i, t) {
  const kind = i % 10;
  const util = kind === 0 ? [0.97, 0.02] : kind === 1 ? [0.1, 0.12] : [0.9, 0.85];
  const mem = kind === 2 ? 31.5 * GiB : 8 * GiB;
  const nodes = j.nodes.map((node, k) => ({
    node,
    reported: true,
    cpus: 32,
    cpuUtilization: util[k],
    memoryUsedBytes: mem,
    memoryPeakBytes: mem,
    memoryLimitBytes: 32 * GiB,
    oomKills: 0,
    gpus: [],
  }));
  return {
    jobid: j.jobid,
    displayId: j.displayId,
    user: j.user,
    partition: j.partition,
    allocatedCpus: 64,
    nodes,
    loadImbalance: (Math.max(...util) - Math.min(...util)) / Math.max(...util),
    cpuEfficiency: (util[0] + util[1]) / 2,
    memoryUsedBytes: 2 * mem,
    t,
  };
}

const dir = mkdtempSync(join(tmpdir(), 'slurmscope-bench-inspector-'));
const stateFile = join(dir, 'inspector', 'state.json');
try {
  let mails = 0;
  const inspector = new LiveInspector({
    config: inspectorSection.parse({}),
    log: quietLogger(),
    co2: { intensity: 300, pue: 1.2 },
    intervalMs: INTERVAL,
    stateFile,
    mail: { raised: () => mails++, ended: () => {} },
  });
  const times = [];
  const slices = [];
  let active = 0;
  const heap0 = process.memoryUsage().heapUsed;
  for (let c = 0; c < CYCLES; c++) {
    const nowMs = T0 + c * INTERVAL;
    const webjobs = jobs.map((j, i) => webjob(j, i, nowMs));
    // As ctld runs it: in slices of jobs, each timed (the API waits at most one slice).
    const steps = inspector.observeSteps({ nowMs, cluster: 'bench', jobs, webjobs, reports: [] });
    let total = 0;
    for (;;) {
      const t0 = performance.now();
      const r = steps.next();
      const dt = performance.now() - t0;
      total += dt;
      slices.push(dt);
      if (r.done) {
        active = r.value.length;
        break;
      }
    }
    times.push(total);
  }
  global.gc?.();
  const out = {
    jobs: JOBS,
    cycles: CYCLES,
    cycleMs: {
      median: +median(times).toFixed(1),
      p90: +quantile(times, 0.9).toFixed(1),
      max: +Math.max(...times).toFixed(1),
    },
    sliceMs: { p99: +quantile(slices, 0.99).toFixed(2), max: +Math.max(...slices).toFixed(1) },
    activeFindings: active,
    mailed: mails,
    stateFileBytes: statSync(stateFile).size,
    heapGrowthMB: +((process.memoryUsage().heapUsed - heap0) / 2 ** 20).toFixed(1),
    maxRssMB: +((process.resourceUsage().maxRSS * 1024) / 2 ** 20).toFixed(1),
  };
  console.log(JSON.stringify(out));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
