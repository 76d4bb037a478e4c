#!/usr/bin/env node
// ctld speed benchmark (issue 4, "Speed"): a synthetic 22.05 cluster of 2,000 nodes, 30,000
// running and 100,000 pending jobs. Run after `npx tsc -b`:
//   node bench/run.mjs ctld            (or node bench/ctld/bench.mjs)
// Flags: --quick (shorter load phases, results to $TMPDIR), --out FILE, --keep (keep inputs).
// Writes bench/ctld/results.md and the figures block of bench/ctld/README.md.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { get, load, metric, postReports, readJson, startCtld, stopCtld } from './api.mjs';
import { writeResults } from './report.mjs';
import { setup } from './setup.mjs';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const ROOT = join(HERE, '..', '..');
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const keep = args.includes('--keep');
const outIdx = args.indexOf('--out');
const out = outIdx >= 0 ? args[outIdx + 1] : quick ? join(tmpdir(), 'ctld-bench-results.md') : join(HERE, 'results.md');
const LOAD_SECONDS = quick ? 8 : 30;
const RATE = 200;

const startedAt = new Date();
const work = mkdtempSync(join(tmpdir(), 'slurmscope-bench-ctld-'));
const bin = join(work, 'bin');
const step = (s) =>
  console.log(`[ctld bench ${((Date.now() - startedAt.getTime()) / 1000).toFixed(0).padStart(3)} s] ${s}`);

/** Runs a child script of this folder and parses the JSON it prints. */
function child(script, ...argv) {
  const text = execFileSync(process.execPath, [join(HERE, script), ...argv], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  return JSON.parse(text.trim().split('\n').pop());
}

const results = { startedAt: startedAt.toISOString(), quick, work, loadSeconds: LOAD_SECONDS, rate: RATE };
try {
  step(`generating the synthetic cluster in ${work}`);
  // Only the summary stays: the generated cluster (130,000 job objects) would otherwise stay in
  // this process's heap, and its GC pauses would delay the load generator's reads in part 3.
  results.gen = summarize(setup(work));

  step('part 1a: poll input sizes with 100,000 and with 0 pending jobs (real SlurmPoller, fake binDir)');
  results.sizes = child('poll-child.mjs', 'sizes', bin, join(work, 'bin0'));
  step('part 1b: buildPollResult + computeWebjobs in one thread (child process, 7 runs)');
  results.pure = child('poll-child.mjs', 'pure', bin, '7');
  step('part 1c: SlurmPoller worker-thread path + webjobs + API bodies (child process, 7 polls)');
  results.worker = child('poll-child.mjs', 'worker', bin, '7');

  step('part 2: 1,000 jobs end at once (createReportService, LocalArchive, fake sacct)');
  results.reports = child('reports-child.mjs', bin, join(work, 'archive'));

  step('part 3: ctld daemon (interval 5s) under load');
  results.api = await apiPhases();
} finally {
  if (!keep) rmSync(work, { recursive: true, force: true });
}
results.finishedAt = new Date().toISOString();
writeResults({ results, out, readme: quick ? undefined : join(HERE, 'README.md') });
step(`done; results in ${out}`);

async function apiPhases() {
  const ctld = await startCtld({ work, binDir: bin, interval: '5s' });
  const phases = [];
  let exitCode;
  try {
    const reports = readJson(join(bin, 'node-reports.json'));
    const seed = async (intervalMs) => {
      const now = Date.now();
      const statuses = await postReports(
        ctld.port,
        reports.map((r) => ({ ...r, timestampMs: now, intervalMs })),
      );
      // Wait for a cycle that joins them (the next poll) before loading.
      const deadline = Date.now() + 15_000;
      for (;;) {
        const w = JSON.parse((await get(ctld.port, '/api/v1/webjobs?user=u0001')).body);
        if (w.jobs.length > 0 && w.jobs.every((j) => j.nodes.every((n) => n.reported))) break;
        if (Date.now() > deadline) throw new Error('node reports not joined into webjobs within 15 s');
        await new Promise((r) => setTimeout(r, 250));
      }
      return statuses;
    };
    const users = gen_users();
    const perUser = (i) => `/api/v1/webjobs?user=${users[Math.floor(i / 2) % users.length]}`;
    const specs = [
      {
        name: 'portal mix: availability + webjobs?user=',
        paths: [
          ['availability', '/api/v1/availability'],
          ['webjobs?user=', perUser],
        ],
      },
      {
        name: 'portal mix + 1,955 agents reporting every 10 s',
        paths: [
          ['availability', '/api/v1/availability'],
          ['webjobs?user=', perUser],
        ],
        agents: true,
      },
      // Last: when ctld cannot keep up, its backlog would spill into a following phase.
      {
        name: 'target mix: availability + full webjobs, gzip (as browsers and Grafana ask)',
        paths: [
          ['availability', '/api/v1/availability'],
          ['webjobs (all jobs)', '/api/v1/webjobs'],
        ],
        headers: { 'accept-encoding': 'gzip' },
        target: true,
      },
      {
        name: 'target mix: availability + full webjobs, uncompressed (8.4 MB each)',
        paths: [
          ['availability', '/api/v1/availability'],
          ['webjobs (all jobs)', '/api/v1/webjobs'],
        ],
        target: true,
      },
    ];
    for (const spec of specs) {
      step(`part 3: ${spec.name}, ${RATE} req/s for ${LOAD_SECONDS} s`);
      const seeded = await seed(spec.agents ? 10_000 : 60_000);
      const m0 = (await get(ctld.port, '/metrics')).body.toString();
      const r = await load({
        port: ctld.port,
        pid: ctld.child.pid,
        rate: RATE,
        seconds: LOAD_SECONDS,
        paths: spec.paths,
        drainSeconds: 10,
        ...(spec.headers ? { headers: spec.headers } : {}),
        ...(spec.agents ? { agentReports: { reports, intervalSeconds: 10 } } : {}),
      });
      const m1 = (await get(ctld.port, '/metrics', {}).catch(() => ({ body: '' }))).body.toString();
      phases.push({
        ...spec,
        paths: spec.paths.map(([label]) => label),
        seeded,
        ...r,
        cycles:
          (metric(m1, 'slurmscope_ctld_cycles_total') ?? NaN) - (metric(m0, 'slurmscope_ctld_cycles_total') ?? NaN),
        lastCycleSeconds: metric(m1, 'slurmscope_ctld_cycle_seconds'),
      });
    }
  } finally {
    exitCode = await stopCtld(ctld);
  }
  return { phases, exitCode, cli: `node collectors/cli/dist/main.js ctld --config ${'<work>/ctld.yaml'}` };
}

function summarize(gen) {
  return {
    sizes: gen.sizes,
    sizes0: gen.sizes0,
    ending: gen.ending,
    noScript: gen.noScript,
    nodes: gen.cluster.nodes.length,
    running: gen.cluster.jobs.length,
    pending: gen.cluster.pendingJobs.length,
  };
}

function gen_users() {
  return Array.from({ length: 400 }, (_, i) => `u${String(i + 1).padStart(4, '0')}`);
}
