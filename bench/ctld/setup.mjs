// Writes the benchmark's inputs: the synthetic cluster's fake binDirs (100,000 and 0 pending
// jobs), the agents' node reports, and the 1,000 ending jobs' sacct answers.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateCluster } from './cluster.mjs';
import { writeFakeBin } from './fakebin.mjs';
import { batchScript, nodeReports } from './reports.mjs';
import { sacctRecordsText, sacctScriptsText } from './shapes.mjs';

/** Jobs that end at once in part 2. */
export const ENDING = 1000;

/**
 * Generates everything under `work`: `bin/` (100,000 pending) and `bin0/` (none), each a fake
 * Slurm binDir with its outputs. Returns the cluster and the output sizes.
 */
export function setup(work, { nowMs = Date.now() } = {}) {
  const cluster = generateCluster({ pending: 100_000, nowMs });
  const empty = generateCluster({ pending: 0, nowMs });
  // 1,000 running jobs spread over the cluster end: every 30th (arrays, multi-node, GPU among them).
  const running = cluster.jobs.filter((j) => j.state === 'R');
  const step = Math.floor(running.length / ENDING);
  const ending = running.filter((_, i) => i % step === 0).slice(0, ENDING);
  const endingIds = new Set(ending.map((j) => j.jobid));
  const t0 = nowMs;
  const reports0 = nodeReports(cluster, { timestampMs: t0, scripts: true });
  // A tenth of the ending jobs' scripts never reached ctld: those come from `sacct -B`.
  const noScript = new Set(ending.filter((_, i) => i % 10 === 3).map((j) => j.jobid));
  for (const r of reports0) for (const e of r.jobs) if (noScript.has(e.jobid)) delete e.script;
  const later = (t) =>
    nodeReports(cluster, { timestampMs: t }).map((r) => ({
      ...r,
      jobs: r.jobs.filter((e) => !endingIds.has(e.jobid)),
    }));
  const endMs = t0 + 25_000;
  const sizes = writeFakeBin(join(work, 'bin'), cluster, {
    'node-reports.json': JSON.stringify(nodeReports(cluster, { timestampMs: t0 })),
    'node-reports-t0.json': JSON.stringify(reports0),
    'node-reports-t1.json': JSON.stringify(later(t0 + 30_000)),
    'node-reports-t2.json': JSON.stringify(later(t0 + 60_000)),
    'ending.json': JSON.stringify([...endingIds]),
    'sacct-P.txt': sacctRecordsText(ending, endMs),
    'sacct-B.txt': sacctScriptsText(
      ending.filter((j) => noScript.has(j.jobid)),
      batchScript,
    ),
  });
  const sizes0 = writeFakeBin(join(work, 'bin0'), empty);
  writeFileSync(join(work, 'README'), 'ctld benchmark inputs (bench/ctld); safe to delete\n');
  return { cluster, sizes, sizes0, ending: ending.length, noScript: noScript.size };
}
