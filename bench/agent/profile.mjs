// Where a cycle's CPU goes: runs one worker configuration under `node --cpu-prof` and sums the
// profile's self time per function (top N), and per package (node-agent, prom-client, ...).
//   node bench/agent/profile.mjs [--jobs 256] [--cgroup 2] [--top 25]
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateTree, makeTmp } from './tree.mjs';

const WORKER = fileURLToPath(new URL('./worker.mjs', import.meta.url));

/** Self milliseconds per function and per package in a .cpuprofile (Chrome DevTools format). */
export function summarizeProfile(profile, top = 25) {
  const self = new Map(profile.nodes.map((n) => [n.id, 0]));
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    self.set(id, self.get(id) + (profile.timeDeltas[i] ?? 0) / 1000);
  }
  const total = [...self.values()].reduce((s, v) => s + v, 0);
  const byFn = new Map();
  const byPkg = new Map();
  for (const n of profile.nodes) {
    const ms = self.get(n.id);
    if (ms === 0) continue;
    const { functionName, url, lineNumber } = n.callFrame;
    const where = url.replace(/^file:\/\//, '').replace(/^.*?\/(node_modules|collectors|exporters|bench)\//, '$1/');
    const key = `${functionName || '(anonymous)'} ${where ? `${where}:${lineNumber + 1}` : ''}`.trim();
    byFn.set(key, (byFn.get(key) ?? 0) + ms);
    byPkg.set(packageOf(url, functionName), (byPkg.get(packageOf(url, functionName)) ?? 0) + ms);
  }
  const sorted = (m) => [...m].sort((a, b) => b[1] - a[1]);
  return { totalMs: total, functions: sorted(byFn).slice(0, top), packages: sorted(byPkg) };
}

function packageOf(url, fn) {
  if (!url) return fn.startsWith('(') ? fn : '(native/builtin)';
  if (url.startsWith('node:')) return 'node core (js)';
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url) ?? /\/(collectors|exporters)\/([^/]+)\//.exec(url);
  if (!m) return url.includes('/bench/') ? 'bench harness' : url;
  return m[2] ? `${m[1]}/${m[2]}` : m[1];
}

/** Profiles `jobs` jobs on cgroup `version` for about `maxMs` of cycles; returns the summary. */
export function profileCycle({ jobs = 256, version = 2, maxMs = 3000, top = 25 } = {}) {
  const work = makeTmp('slurmscope-prof-');
  try {
    const root = generateTree({ root: join(work, 'root'), version, jobs });
    const dir = join(work, 'prof');
    const cfg = JSON.stringify({ root, version, jobs, warmup: 20, cycles: 100_000, maxMs, noFloor: true });
    const r = spawnSync(process.execPath, ['--cpu-prof', '--cpu-prof-dir', dir, WORKER, cfg], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`profiled worker failed (${r.status}): ${r.stderr}`);
    const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
    return summarizeProfile(JSON.parse(readFileSync(join(dir, file), 'utf8')), top);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const arg = (name, dflt) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? Number(process.argv[i + 1]) : dflt;
  };
  const s = profileCycle({ jobs: arg('jobs', 256), version: arg('cgroup', 2), top: arg('top', 25) });
  console.log(`total self time ${s.totalMs.toFixed(0)} ms`);
  console.log('\nby package:');
  for (const [k, v] of s.packages) console.log(`${((100 * v) / s.totalMs).toFixed(1).padStart(6)} %  ${k}`);
  console.log('\nby function (self):');
  for (const [k, v] of s.functions) console.log(`${((100 * v) / s.totalMs).toFixed(1).padStart(6)} %  ${k}`);
}
