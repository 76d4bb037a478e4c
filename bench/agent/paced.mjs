#!/usr/bin/env node
// Sampler.sample() paced like the daemon (one cycle, then idle), not back to back like worker.mjs:
//   node bench/agent/paced.mjs [--pace 500] [--cycles 40] [--jobs 64] [--cgroup 2] [--old DIR]
// A cycle after idle time costs more CPU than one in a tight loop (cold caches, code not yet
// optimized by V8): this is why the daemon's own cycle metric is above worker.mjs's sample().
// With --old DIR (another build of this repository, e.g. `git archive HEAD | tar -x -C DIR`, then
// `npm ci && npx tsc -b` there), its Sampler and this one alternate cycle by cycle in one process,
// so that a shared machine's noise falls on both alike. Prints the median CPU ms per cycle.
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { quantile } from './stats.mjs';
import { generateTree, makeTmp } from './tree.mjs';

const { values } = parseArgs({
  options: {
    pace: { type: 'string', default: '500' },
    cycles: { type: 'string', default: '40' },
    jobs: { type: 'string', default: '64' },
    cgroup: { type: 'string', default: '2' },
    old: { type: 'string' },
  },
});
const pace = Number(values.pace);
const cycles = Number(values.cycles);
const jobs = Number(values.jobs);
const version = Number(values.cgroup);
const old = values.old;

const log = { debug() {}, info() {}, warn() {}, error() {}, child: () => log };
const work = makeTmp('slurmscope-paced-');
try {
  const root = generateTree({ root: join(work, 'tree'), version, jobs });
  const builds = [{ name: 'this build', url: '@slurmscope/node-agent' }];
  if (old) builds.push({ name: old, url: pathToFileURL(resolve(old, 'collectors/node-agent/dist/index.js')).href });
  for (const b of builds) {
    const m = await import(b.url);
    b.sampler = new m.Sampler({
      root,
      node: 'n1',
      log,
      gpu: undefined,
      stateDir: undefined,
      state: m.emptyState('n1'),
    });
    b.cpu = [];
  }
  for (let i = 0; i < cycles; i++) {
    // Alternate which build goes first, so that neither always follows the other's cycle.
    for (const b of i % 2 === 0 ? builds : [...builds].reverse()) {
      await sleep(pace);
      const c0 = process.cpuUsage();
      b.sampler.sample(Date.now());
      const c = process.cpuUsage(c0);
      b.cpu.push((c.user + c.system) / 1000);
    }
  }
  for (const b of builds) {
    const med = quantile(b.cpu, 0.5).toFixed(2);
    console.log(
      `${b.name}: v${version}, ${jobs} jobs, one cycle every ${pace} ms, ${cycles} cycles: median ${med} ms CPU`,
    );
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
