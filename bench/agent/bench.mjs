#!/usr/bin/env node
// The node agent's speed benchmark (issue 3, "Speed"): `node bench/run.mjs agent` after `tsc -b`.
//   node bench/agent/bench.mjs [--quick] [--no-daemon] [--no-profile] [--out FILE]
// 1. generates node trees with 16, 64 and 256 jobs for cgroup v1 and v2 (tree.mjs), on tmpfs;
// 2. per tree, in its own process (worker.mjs): CPU and wall per cycle (sample, /metrics text,
//    line protocol), interleaved with the floor (floor.mjs: the same files, read and nothing else),
//    and the process's peak RSS;
// 3. the real daemon with a 1 s interval on the 64-job v2 tree, scraped every second (daemon.mjs),
//    as shipped and with the V8 flag proposed in README.md;
// 4. yardsticks: prometheus-node-exporter, a bare Node HTTP server, Node with the agent's modules;
// 5. a CPU profile of the 256-job cycle (profile.mjs).
// Prints the results table and writes it to bench/agent/results.md and into README.md.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runDaemon } from './daemon.mjs';
import { profileCycle } from './profile.mjs';
import { renderResults } from './report.mjs';
import { benchTmpBase, generateTree, makeTmp } from './tree.mjs';
import { bareNodeServer, importOnly, moduleCosts, nodeExporter } from './yardsticks.mjs';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const argv = process.argv.slice(2);
const has = (f) => argv.includes(f);
const outIdx = argv.indexOf('--out');
const QUICK = has('--quick');
// A quick run is a smoke test: its figures do not replace results.md unless --out says so.
const OUT =
  outIdx >= 0 ? argv[outIdx + 1] : QUICK ? join(tmpdir(), 'slurmscope-bench-agent-quick.md') : join(HERE, 'results.md');

const SIZES = [16, 64, 256];
const VERSIONS = [1, 2];
const LOOP = QUICK ? { warmup: 10, cycles: 60, maxMs: 1000 } : { warmup: 20, cycles: 300, maxMs: 3000 };
const DAEMON_SECONDS = QUICK ? 6 : 20;
/** The daemon as shipped, and with the heap flag that README.md proposes for the systemd unit. */
const DAEMON_VARIANTS = [[], ['--max-semi-space-size=1']];

function step(msg) {
  process.stderr.write(`[bench agent] ${msg}\n`);
}

function runWorker(cfg) {
  const r = spawnSync(process.execPath, [join(HERE, 'worker.mjs'), JSON.stringify(cfg)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`worker ${JSON.stringify(cfg)} failed (${r.status}):\n${r.stderr}`);
  const result = JSON.parse(r.stdout);
  if (result.jobsRead !== cfg.jobs) throw new Error(`worker read ${result.jobsRead} jobs of ${cfg.jobs}`);
  if (result.collectorErrors > 0)
    throw new Error(`collector errors on a generated tree: ${result.warnings.join('; ')}`);
  if (result.reads.floorFilesNotReadByCycle.length > 0)
    throw new Error(`the floor reads files the cycle does not: ${result.reads.floorFilesNotReadByCycle.slice(0, 3)}`);
  return result;
}

function machine() {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? 'unknown CPU';
  const cores = cpuinfo.match(/^processor\s*:/gm)?.length ?? 0;
  const memKb = Number(/^MemTotal:\s+(\d+)/m.exec(readFileSync('/proc/meminfo', 'utf8'))?.[1] ?? 0);
  const os = /^PRETTY_NAME="?([^"\n]+)/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? 'unknown OS';
  const kernel = readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim();
  const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  return { model, cores, memGiB: memKb / 1048576, os, kernel, node: process.version, load };
}

const work = makeTmp('slurmscope-bench-');
const results = {
  date: new Date().toISOString(),
  machine: machine(),
  tmp: { ...benchTmpBase(), dir: work },
  loop: LOOP,
  configs: [],
  daemon: [],
  yardsticks: {},
  profile: undefined,
};
try {
  const trees = new Map();
  for (const version of VERSIONS) {
    for (const jobs of SIZES) {
      const root = join(work, `v${version}-${jobs}`);
      step(`generating cgroup v${version} tree with ${jobs} jobs in ${root}`);
      trees.set(`${version}/${jobs}`, generateTree({ root, version, jobs }));
    }
  }
  for (const version of VERSIONS) {
    for (const jobs of SIZES) {
      step(`cycles: cgroup v${version}, ${jobs} jobs`);
      results.configs.push(runWorker({ root: trees.get(`${version}/${jobs}`), version, jobs, ...LOOP }));
    }
  }
  if (!has('--no-daemon')) {
    for (const nodeArgs of DAEMON_VARIANTS) {
      step(`daemon ${nodeArgs.join(' ') || '(as shipped)'}: 64 jobs (v2), 1 s interval, ${DAEMON_SECONDS} s`);
      const dwork = join(work, `daemon${results.daemon.length}`);
      const r = await runDaemon({ root: trees.get('2/64'), work: dwork, seconds: DAEMON_SECONDS, nodeArgs });
      results.daemon.push({ nodeArgs, ...r });
    }
  }
  step('yardsticks: prometheus-node-exporter, bare Node HTTP server, Node with the agent modules');
  results.yardsticks.nodeExporter = await nodeExporter({ scrapes: 20 });
  results.yardsticks.bareNode = await bareNodeServer();
  results.yardsticks.importOnly = await importOnly();
  results.yardsticks.modules = moduleCosts();
  if (!has('--no-profile')) {
    step('profile: 256 jobs, cgroup v2, node --cpu-prof');
    results.profile = profileCycle({ jobs: 256, version: 2, maxMs: QUICK ? 1000 : 3000, top: 15 });
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

const text = renderResults(results);
process.stdout.write(text);
writeFileSync(OUT, text);
// README.md carries the latest figures between two markers (full runs to the default file only).
const readmePath = join(HERE, 'README.md');
const readme = readFileSync(readmePath, 'utf8');
const begin = '<!-- results:begin -->';
const end = '<!-- results:end -->';
const i = readme.indexOf(begin);
const j = readme.indexOf(end);
const updateReadme = !QUICK && outIdx < 0 && i >= 0 && j > i;
if (updateReadme) writeFileSync(readmePath, `${readme.slice(0, i + begin.length)}\n${text}${readme.slice(j)}`);
step(`written ${OUT}${updateReadme ? ' and README.md' : ''}`);
