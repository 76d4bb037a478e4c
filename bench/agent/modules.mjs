// What each dependency of the agent adds to the resident set when imported, one after the
// other in one process, measured after a full GC (needs --expose-gc):
//   node --expose-gc bench/agent/modules.mjs
// The first import of any package also pays Node's module loader warming up, so node:http and
// yaml go first (they are loaded by every agent anyway). Prints one JSON object.
import { setTimeout as sleep } from 'node:timers/promises';

const ORDER = [
  'node:http',
  'yaml',
  'pino',
  'commander',
  '@influxdata/influxdb-client',
  'prom-client',
  'zod',
  '@slurmscope/common',
  '@slurmscope/prometheus',
  '@slurmscope/influxdb',
  '@slurmscope/node-agent',
  '@slurmscope/ctld',
];

async function rss() {
  globalThis.gc();
  await sleep(50);
  globalThis.gc();
  return process.memoryUsage().rss;
}

if (typeof globalThis.gc !== 'function') throw new Error('run with node --expose-gc');
const start = await rss();
let prev = start;
const steps = [];
for (const name of ORDER) {
  await import(name);
  const now = await rss();
  steps.push({ name, bytes: now - prev });
  prev = now;
}
process.stdout.write(`${JSON.stringify({ startBytes: start, endBytes: prev, steps })}\n`);
