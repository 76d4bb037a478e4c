// The agents' side of the synthetic cluster: one NodeReport (@slurmscope/common's wire format,
// version 1) per node with a job entry per running job there, as agents POST them to ctld.
import { prng } from './cluster.mjs';

/** A batch script of typical length for a job (what the batch node's agent sends once). */
export function batchScript(j) {
  return [
    '#!/bin/bash',
    `#SBATCH --job-name=sim-${j.jobid}`,
    `#SBATCH --partition=${j.partition}`,
    `#SBATCH --account=${j.account}`,
    `#SBATCH --nodes=${j.nodes.length}`,
    `#SBATCH --ntasks=${j.cpus}`,
    `#SBATCH --mem-per-cpu=${Math.round(j.memMiB / j.cpus)}M`,
    `#SBATCH --time=${j.limit}`,
    j.gpus > 0 ? `#SBATCH --gres=gpu:a100:${j.gpus}` : '#SBATCH --hint=nomultithread',
    'module load gcc/12.2 openmpi/4.1.5',
    'cd "$SLURM_SUBMIT_DIR"',
    `srun ./solver --input case-${Number(j.jobid) % 97}.h5 --steps 20000 --checkpoint-every 500`,
  ].join('\n');
}

/**
 * The latest report of every node whose agent runs (down and powered-down nodes send none) at
 * `timestampMs`. Utilization is drawn per job and node (some jobs idle on one node, for
 * imbalance); counters grow with the job's age so that they are plausible. With `scripts`,
 * each job's first node carries its batch script (what agents send until ctld acknowledges).
 */
export function nodeReports(
  cluster,
  { timestampMs = cluster.nowMs, intervalMs = 10_000, scripts = false, seed = 7 } = {},
) {
  const rnd = prng(seed + Math.floor(timestampMs / 1000));
  const jobsById = new Map(cluster.jobs.map((j) => [j.jobid, j]));
  const out = [];
  for (const n of cluster.nodes) {
    if (n.state === 'down' || n.state === 'off') continue;
    const entries = [];
    for (const id of n.jobs) {
      const j = jobsById.get(id);
      const k = j.nodes.indexOf(n.name);
      const cpus = j.perNodeCpus[k];
      const ageS = Math.max(1, (timestampMs - j.startMs) / 1000);
      const util = rnd() < 0.05 ? rnd() * 0.05 : 0.5 + rnd() * 0.5;
      const memUsed = Math.round((j.memMiB / j.nodes.length) * (0.2 + rnd() * 0.7) * 1024 * 1024);
      const gpus =
        j.nodes.length === 1 && j.gpus > 0
          ? Array.from({ length: j.gpus }, (_, index) => ({
              index,
              utilization: rnd(),
              memoryUsedBytes: Math.round(rnd() * 40e9),
              powerWatts: 60 + rnd() * 340,
            }))
          : [];
      entries.push({
        jobid: j.jobid,
        uid: j.uid,
        cpus,
        cpuSeconds: Math.round(ageS * cpus * 0.8 * 100) / 100,
        cpuUtilization: Math.round(util * 1000) / 1000,
        memoryUsedBytes: memUsed,
        memoryPeakBytes: Math.round(memUsed * 1.2),
        memoryLimitBytes: Math.round((j.memMiB / j.nodes.length) * 1024 * 1024),
        energyJoules: Math.round(ageS * cpus * 4.2),
        gpuSeconds: Math.round(ageS * gpus.length),
        gpus,
        ...(scripts && k === 0 ? { script: batchScript(j) } : {}),
      });
    }
    out.push({
      version: 1,
      node: n.name,
      timestampMs,
      intervalMs,
      cpus: n.cpus,
      power: {
        raplWatts: 180 + n.allocCpus * 2.1,
        ...(n.gpus > 0 ? { gpuWatts: 60 * n.gpus + 250 * n.gpuUsed.length } : {}),
      },
      jobs: entries,
    });
  }
  return out;
}
