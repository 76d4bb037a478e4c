import type { NodeReport, NodeReportJob } from '@slurmscope/common';
import { constantIntensity } from '../co2.js';
import type { JobInfo, SlurmSnapshot } from '../slurm/types.js';
import { buildReport } from './builder.js';
import { JobTracker } from './tracker.js';
import type { JobReport } from './types.js';

/** A running job for tests (one node, 2 CPUs, 1 GiB unless overridden). */
export function jobInfo(over: Partial<JobInfo> & { jobid: string }): JobInfo {
  return {
    displayId: over.jobid,
    user: 'alice',
    uid: 1000,
    account: 'physics',
    partition: 'batch',
    state: 'RUNNING',
    nodes: ['n1'],
    cpus: 2,
    memoryBytes: 1024 ** 3,
    gpus: 0,
    gpusByType: {},
    ...over,
  };
}

/** One job entry of a node report for tests. */
export function reportJob(over: Partial<NodeReportJob> & { jobid: string }): NodeReportJob {
  return { cpus: 2, cpuSeconds: 0, memoryUsedBytes: 0, gpuSeconds: 0, gpus: [], ...over };
}

/** A node report for tests (30 s interval). */
export function nodeReport(
  node: string,
  timestampMs: number,
  jobs: NodeReportJob[],
  power: NodeReport['power'] = {},
): NodeReport {
  return { version: 1, node, timestampMs, intervalMs: 30_000, cpus: 4, power, jobs };
}

/** A Slurm snapshot holding only `jobs`. */
export function snapshotOf(timestampMs: number, jobs: readonly JobInfo[]): SlurmSnapshot {
  return {
    timestampMs,
    version: '22.05',
    release: '22.05.8',
    config: { preempt: { type: 'preempt/none', mode: 'OFF', exemptTimeSeconds: 0 } },
    nodes: [],
    partitions: [],
    jobs,
    sdiag: { rpcs: {} },
  };
}

/** A complete report built the real way (tracker + builder), for archive and CLI tests. */
export function sampleReport(o: {
  jobid: string;
  user: string;
  endMs: number;
  displayId?: string;
  cpuSeconds?: number;
  script?: string;
}): JobReport {
  const tr = new JobTracker({
    profilePoints: 8,
    pue: 1.2,
    nodeOverheadWatts: 0,
    intensity: constantIntensity(300, 'lifecycle'),
  });
  const start = o.endMs - 600_000;
  const [base, task] = (o.displayId ?? '').split(/[_+]/);
  const named =
    base === undefined || task === undefined
      ? {}
      : o.displayId?.includes('_')
        ? { arrayJobId: base, arrayTaskId: task }
        : { hetJobId: base, hetJobOffset: Number(task) };
  const job = jobInfo({
    jobid: o.jobid,
    displayId: o.displayId ?? o.jobid,
    user: o.user,
    startTimeMs: start,
    ...named,
  });
  tr.observe(
    o.endMs - 300_000,
    [job],
    [
      nodeReport('n1', o.endMs - 300_000, [
        reportJob({
          jobid: o.jobid,
          cpuSeconds: (o.cpuSeconds ?? 600) / 2,
          cpuUtilization: 0.5,
          memoryUsedBytes: 2 ** 28,
          energyJoules: 30_000,
          script: o.script ?? '#!/bin/bash\nsrun ./simulate --steps 100\n',
        }),
      ]),
    ],
  );
  tr.observe(
    o.endMs,
    [job],
    [
      nodeReport('n1', o.endMs, [
        reportJob({
          jobid: o.jobid,
          cpuSeconds: o.cpuSeconds ?? 600,
          cpuUtilization: 0.5,
          memoryUsedBytes: 2 ** 28,
          memoryPeakBytes: 2 ** 29,
          energyJoules: 72_000,
        }),
      ]),
    ],
  );
  const t = tr.jobs.get(o.jobid);
  if (t === undefined) throw new Error('not tracked');
  return buildReport({
    cluster: 'testcluster',
    job: t,
    nowMs: o.endMs + 1000,
    record: {
      jobid: o.jobid,
      displayId: o.displayId ?? o.jobid,
      state: 'COMPLETED',
      exitCode: '0:0',
      startMs: start,
      endMs: o.endMs,
      elapsedSeconds: 600,
    },
    co2: { pue: 1.2, basis: 'lifecycle', source: 'constant', nodeOverheadWatts: 0 },
  });
}
