// One benchmark configuration in its own process (so that its peak RSS is its own):
//   node bench/agent/worker.mjs '{"root":"...","version":2,"jobs":64,"warmup":20,"cycles":300,"maxMs":4000}'
// Takes the agent's cycle the way the daemon does (Sampler.sample, then the /metrics exposition
// through a long-lived PrometheusExporter, then the InfluxDB line protocol), interleaved with the
// floor pass over the same files, and prints one JSON object on stdout.
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { performance } from 'node:perf_hooks';
import { floorInputs, floorPass } from './floor.mjs';
import { summary } from './stats.mjs';

const cfg = JSON.parse(process.argv[2] ?? '{}');
const node = cfg.node ?? 'n1';
const importRssBefore = process.memoryUsage().rss;

// Counting wrappers, on for one cycle: which files and folders does a cycle really touch?
// (openSync counts too: the agent's bounded readText opens, reads and closes each file.)
const original = {
  readFileSync: fs.readFileSync,
  openSync: fs.openSync,
  readdirSync: fs.readdirSync,
  existsSync: fs.existsSync,
};
const touched = { files: new Set(), reads: 0, listings: new Set(), exists: 0 };
function countAccesses(on) {
  if (on) {
    fs.readFileSync = (p, ...a) => (touched.reads++, touched.files.add(String(p)), original.readFileSync(p, ...a));
    // The agent reads sysfs and cgroup files with a bounded read (openSync + readSync): one open, one read.
    fs.openSync = (p, ...a) => (touched.reads++, touched.files.add(String(p)), original.openSync(p, ...a));
    fs.readdirSync = (p, ...a) => (touched.listings.add(String(p)), original.readdirSync(p, ...a));
    fs.existsSync = (p) => (touched.exists++, original.existsSync(p));
  } else Object.assign(fs, original);
  syncBuiltinESMExports();
}

const { Sampler, emptyState, AGENT_FAMILIES } = await import('@slurmscope/node-agent');
const { PrometheusExporter } = await import('@slurmscope/prometheus');
const { encodeSnapshot } = await import('@slurmscope/influxdb');
const importRss = process.memoryUsage().rss;

const warnings = [];
const log = {
  debug() {},
  info() {},
  warn: (fields, msg) => warnings.push(`${msg} ${JSON.stringify(fields)}`),
  error: (fields, msg) => warnings.push(`${msg} ${JSON.stringify(fields)}`),
  child: () => log,
};
const state = emptyState(node, undefined);
const sampler = new Sampler({ root: cfg.root, node, log, gpu: undefined, stateDir: undefined, state });
let latest;
const exporter = new PrometheusExporter({ families: Object.values(AGENT_FAMILIES), read: () => latest, log });
const start = Date.now();
let tick = 0;

/** One cycle, each part timed: CPU seconds (user+system, all threads) and wall seconds. */
async function cycle() {
  const c0 = process.cpuUsage();
  const w0 = performance.now();
  const c = sampler.sample(start + tick++ * 10_000);
  latest = { timestampMs: c.data.nowMs, families: c.families };
  const c1 = process.cpuUsage();
  const text = await exporter.metrics();
  const c2 = process.cpuUsage();
  const lines = encodeSnapshot(latest).lines;
  const c3 = process.cpuUsage();
  const w3 = performance.now();
  const cpu = (a, b) => (b.user - a.user + b.system - a.system) / 1e6;
  return {
    sample: cpu(c0, c1),
    render: cpu(c1, c2),
    encode: cpu(c2, c3),
    cpu: cpu(c0, c3),
    wall: (w3 - w0) / 1000,
    jobs: c.data.readings.length,
    bytes: text.length,
    lines: lines.length,
  };
}

countAccesses(true);
const first = await cycle();
countAccesses(false);
const inputs = floorInputs({ root: cfg.root, version: cfg.version, node });
const floorSet = new Set([...inputs.files]);
const missed = [...floorSet].filter((f) => !touched.files.has(f));

for (let i = 1; i < (cfg.warmup ?? 20); i++) {
  await cycle();
  if (!cfg.noFloor) floorPass(inputs);
}

const t = { sample: [], render: [], encode: [], cpu: [], wall: [], floor: [], floorWall: [] };
const deadline = performance.now() + (cfg.maxMs ?? 4000);
const loop0 = process.cpuUsage();
let last = first;
while (t.cpu.length < (cfg.cycles ?? 300) && performance.now() < deadline) {
  last = await cycle();
  for (const k of ['sample', 'render', 'encode', 'cpu', 'wall']) t[k].push(last[k]);
  if (cfg.noFloor) continue;
  const f0 = process.cpuUsage();
  const fw0 = performance.now();
  floorPass(inputs);
  const f1 = process.cpuUsage(f0);
  t.floorWall.push((performance.now() - fw0) / 1000);
  t.floor.push((f1.user + f1.system) / 1e6);
}
const loop = process.cpuUsage(loop0);
const mem = process.memoryUsage();
const errors = sampler.errors.family().samples.reduce((s, x) => s + x.value, 0);

const out = {
  version: cfg.version,
  jobs: cfg.jobs,
  jobsRead: last.jobs,
  cycles: t.cpu.length,
  loopCpuPerIteration: (loop.user + loop.system) / 1e6 / t.cpu.length,
  sample: summary(t.sample),
  render: summary(t.render),
  encode: summary(t.encode),
  cpu: summary(t.cpu),
  wall: summary(t.wall),
  floor: summary(t.floor),
  floorWall: summary(t.floorWall),
  exposition: { bytes: last.bytes, lines: last.lines },
  reads: {
    cycleReadCalls: touched.reads,
    cycleDistinctFiles: touched.files.size,
    cycleListings: touched.listings.size,
    cycleExistsCalls: touched.exists,
    floorFiles: inputs.files.length,
    floorListings: inputs.listings.length,
    floorFilesNotReadByCycle: missed,
  },
  collectorErrors: errors,
  warnings: warnings.slice(0, 5),
  memory: {
    rssAtStart: importRssBefore,
    rssAfterImports: importRss,
    maxRss: process.resourceUsage().maxRSS * 1024,
    rssAfterRun: mem.rss,
    heapUsed: mem.heapUsed,
  },
};
process.stdout.write(`${JSON.stringify(out)}\n`);
