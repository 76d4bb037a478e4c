// Child process of the ctld benchmark, part 2: 1,000 jobs end at once.
//   node reports-child.mjs <binDir> <archiveDir>
// The real createReportService (LocalArchive: gzip, fsync'd temp file, link, fsync'd directory,
// fsync'd index line per report) with the fake binDir's sacct; cycle 1 sees all 30,000 running
// jobs (agents send scripts, as on a first cycle), cycle 2 (30 s later) lacks the ending ones.
// Prints one JSON object on stdout.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ctldConfigSchema } from '@slurmscope/common';
import { buildPollResult, createReportService } from '@slurmscope/ctld';
import { maxRssBytes, measure, quietLogger } from './stats.mjs';

const [binDir, archiveDir] = process.argv.slice(2);
const read = (name) => readFileSync(join(binDir, name), 'utf8');
const ending = new Set(JSON.parse(read('ending.json')));
const reports0 = JSON.parse(read('node-reports-t0.json'));
const reports1 = JSON.parse(read('node-reports-t1.json'));
const reports2 = JSON.parse(read('node-reports-t2.json'));
const t0 = reports0[0].timestampMs;

const raw = {
  timestampMs: t0,
  nodesJson: read('sinfo.json'),
  jobs: read('squeue-running.txt'),
  jobsFormat: 'squeue-text',
  partitions: read('partitions.txt'),
  config: read('config.txt'),
  sdiag: read('sdiag.txt'),
};
const snap0 = buildPollResult(raw).snapshot;
const snap1 = { ...snap0, timestampMs: t0 + 30_000, jobs: snap0.jobs.filter((j) => !ending.has(j.jobid)) };
const snap2 = { ...snap1, timestampMs: t0 + 60_000 };

const config = ctldConfigSchema.parse({ slurm: { binDir }, reports: { dir: archiveDir } });
const counts = { warn: 0, error: 0 };
const service = await createReportService({ config, log: quietLogger(counts), cluster: 'bench' });
const cycle1 = await measure(() => service.observe({ nowMs: t0, snapshot: snap0, reports: reports0 }));
const cycle2 = await measure(() => service.observe({ nowMs: t0 + 30_000, snapshot: snap1, reports: reports1 }));
const cycle3 = await measure(() => service.observe({ nowMs: t0 + 60_000, snapshot: snap2, reports: reports2 }));
await service.close();

const clusterDir = join(archiveDir, 'bench');
const files = readdirSync(clusterDir).filter((n) => /^\d+\.json\.gz$/.test(n));
const written = files.filter((n) => ending.has(n.replace('.json.gz', ''))).length;
const index = readFileSync(join(clusterDir, 'index.jsonl'), 'utf8').trim().split('\n').length;
const sample = await service.get([...ending][0]);
const families = service.families();
const counter = (name) => families.find((f) => f.name === name)?.samples.reduce((s, x) => s + x.value, 0);
process.stdout.write(
  `${JSON.stringify({
    ending: ending.size,
    written,
    files: files.length,
    indexLines: index,
    sacctCalls: counter('slurmscope_reports_sacct_calls_total') ?? null,
    sampleHasScript: typeof sample?.script === 'string' && sample.script.length > 0,
    sampleState: sample?.state,
    warnings: counts.warn,
    errors: counts.error,
    lastError: counts.lastError,
    cycle1,
    cycle2,
    cycle3,
    maxRssBytes: maxRssBytes(),
  })}\n`,
);
