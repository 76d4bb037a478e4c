// What each dependency of the agent adds to the resident set when imported, one after the
// other in one process, measured after a full GC (needs --expose-gc):
//   node --expose-gc bench/agent/modules.mjs
// The first import of any package also pays Node's module loader warming up, so node:http and
// the YAML parser go first (they are loaded by every agent anyway). The last three are what the
// agent no longer loads (zod's v4 API: its entry loads every locale; InfluxDB only when configured;
// ctld never), for comparison. Prints one JSON object.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

// js-yaml as @slurmscope/common resolves it (the root node_modules holds another major, eslint's).
const fromCommon = createRequire(new URL('../../collectors/common/package.json', import.meta.url));
function esmEntryFromCommon(name) {
  const pkgFile = fromCommon.resolve(`${name}/package.json`);
  const entry = JSON.parse(readFileSync(pkgFile, 'utf8')).exports['.'].import;
  return { name, url: pathToFileURL(join(dirname(pkgFile), entry)).href };
}

const ORDER = [
  'node:http',
  esmEntryFromCommon('js-yaml'),
  'pino',
  'commander',
  'prom-client',
  'zod/v3',
  '@slurmscope/common',
  '@slurmscope/prometheus',
  '@slurmscope/node-agent',
  { name: 'zod', agent: false },
  { name: '@slurmscope/influxdb', agent: false },
  { name: '@slurmscope/ctld', agent: false },
].map((m) => (typeof m === 'string' ? { name: m, url: m, agent: true } : { url: m.name, agent: true, ...m }));

async function rss() {
  globalThis.gc();
  await sleep(50);
  globalThis.gc();
  return process.memoryUsage().rss;
}

if (typeof globalThis.gc !== 'function') throw new Error('run with node --expose-gc');
const start = await rss();
let prev = start;
let agentEnd = start;
const steps = [];
for (const { name, url, agent } of ORDER) {
  await import(url);
  const now = await rss();
  steps.push({ name, bytes: now - prev, agent });
  prev = now;
  if (agent) agentEnd = now;
}
process.stdout.write(`${JSON.stringify({ startBytes: start, agentEndBytes: agentEnd, endBytes: prev, steps })}\n`);
