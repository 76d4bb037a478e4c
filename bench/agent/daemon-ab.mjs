#!/usr/bin/env node
// The daemon alone, several runs with the variants alternating, so that a shared machine's noise
// spreads over all of them:
//   node bench/agent/daemon-ab.mjs [--runs 3] [--seconds 20] [--jobs 64] [--variant='FLAGS']...
// (with `=`: a value that starts with `--` would be taken for an option). A variant is a
// space-separated list of node flags ('' = as shipped); a first word `@PATH` runs another build's
// collectors/cli/dist/main.js (e.g. `git archive HEAD` built in /tmp/old, for before/after). Default variants: as shipped, and --max-semi-space-size=1 (the systemd unit's).
// Prints per variant the medians over runs of: cycle CPU median (the agent's own metric), process
// CPU per second, VmHWM, RssAnon, RssFile.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runDaemon } from './daemon.mjs';
import { fmt, quantile } from './stats.mjs';
import { generateTree, makeTmp } from './tree.mjs';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '20' },
    jobs: { type: 'string', default: '64' },
    variant: { type: 'string', multiple: true, default: ['', '--max-semi-space-size=1'] },
  },
});
const runs = Number(values.runs);
const seconds = Number(values.seconds);
const jobs = Number(values.jobs);
const specs = values.variant;

function variant(spec) {
  const words = spec.split(' ').filter(Boolean);
  const cli = words[0]?.startsWith('@') ? words.shift().slice(1) : undefined;
  return { spec, cli, nodeArgs: words, runs: [] };
}

const rows = specs.map(variant);
const work = makeTmp('slurmscope-daemon-ab-');
try {
  const root = generateTree({ root: join(work, 'tree'), version: 2, jobs });
  for (let i = 0; i < runs; i++) {
    for (const [v, row] of rows.entries()) {
      const r = await runDaemon({
        root,
        work: join(work, `d${i}-${v}`),
        seconds,
        nodeArgs: row.nodeArgs,
        ...(row.cli ? { cli: row.cli } : {}),
      });
      row.runs.push(r);
      process.stderr.write(
        `run ${i + 1} [${row.spec || 'as shipped'}]: cycle ${fmt.ms(r.cycleCpu.median)} ms, ` +
          `${fmt.ms(r.processCpuPerSecond)} ms/s, VmHWM ${fmt.mb(r.hwmBytes)} ` +
          `(anon ${fmt.mb(r.anonBytes)} / file ${fmt.mb(r.fileBytes)})\n`,
      );
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
const med = (row, f) => quantile(row.runs.map(f), 0.5);
for (const row of rows) {
  process.stdout.write(
    `${row.spec || '(as shipped)'}: ${row.runs.length} runs, ${jobs} jobs; medians: ` +
      `cycle CPU ${fmt.ms(med(row, (r) => r.cycleCpu.median))} ms, ` +
      `process ${fmt.ms(med(row, (r) => r.processCpuPerSecond))} ms/s, ` +
      `VmHWM ${fmt.mb(med(row, (r) => r.hwmBytes))} MB, RssAnon ${fmt.mb(med(row, (r) => r.anonBytes))}, ` +
      `RssFile ${fmt.mb(med(row, (r) => r.fileBytes))}\n`,
  );
}
