#!/usr/bin/env node
// The benchmark runner: `node bench/run.mjs [name ...] [-- flags]` (after `tsc -b`).
// Every folder bench/<name>/ with a bench.mjs is a benchmark; with no name all of them run, one
// after the other, each in its own process. Flags after the names go to every benchmark.
//   npm run bench              all benchmarks
//   npm run bench -- agent     only bench/agent
// Exits 1 when a benchmark fails or a name is unknown.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BENCH = fileURLToPath(new URL('.', import.meta.url));
const ROOT = join(BENCH, '..');

const available = readdirSync(BENCH, { withFileTypes: true })
  .filter((e) => e.isDirectory() && existsSync(join(BENCH, e.name, 'bench.mjs')))
  .map((e) => e.name)
  .sort();

const args = process.argv.slice(2);
const names = args.filter((a) => !a.startsWith('-'));
const flags = args.filter((a) => a.startsWith('-'));
const unknown = names.filter((n) => !available.includes(n));
if (unknown.length > 0) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')}; available: ${available.join(', ') || '(none)'}`);
  process.exit(2);
}
const chosen = names.length > 0 ? names : available;

function run(name) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(BENCH, name, 'bench.mjs'), ...flags], { stdio: 'inherit', cwd: ROOT });
    child.on('error', (err) => (console.error(`bench ${name}: ${err.message}`), resolve(1)));
    child.on('close', (code, signal) => resolve(signal ? 1 : (code ?? 1)));
  });
}

let failed = 0;
for (const name of chosen) {
  console.log(`\n=== bench ${name} ===`);
  const code = await run(name);
  if (code !== 0) {
    console.error(`bench ${name} failed (exit ${code})`);
    failed++;
  }
}
process.exit(failed > 0 ? 1 : 0);
