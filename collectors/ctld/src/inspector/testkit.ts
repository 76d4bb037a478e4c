// Test helpers of the inspector: jobs, node reports and cycles a minute apart.
import { inspectorSection, type InspectorConfig, type NodeReportJob } from '@slurmscope/common';
import { RecordingLogger } from '@slurmscope/model';
import type { JobReport } from '../reports/types.js';
import { jobInfo, nodeReport, reportJob } from '../reports/testkit.js';
import type { JobInfo } from '../slurm/types.js';
import { computeWebjobs } from '../webjobs.js';
import { LiveInspector, type InspectorOptions } from './inspector.js';
import type { FindingMailPort, RaisedFinding } from './types.js';

/** 10:00 UTC, the start of every test job. */
export const T0 = Date.parse('2026-03-02T10:00:00Z');
export const MIN = 60_000;

/** A mail port that records what it was given. */
export class RecordingMail implements FindingMailPort {
  readonly raisedCalls: RaisedFinding[] = [];
  readonly endedCalls: JobReport[] = [];
  raised(f: RaisedFinding): void {
    this.raisedCalls.push(f);
  }
  ended(r: JobReport): void {
    this.endedCalls.push(r);
  }
}

/** The inspector section from a partial one, every other key at its default. */
export const inspectorConfig = (o: unknown = {}): InspectorConfig => inspectorSection.parse(o);

/** An inspector over `o.config` with a recording mail port and logger. */
export function makeInspector(o: Partial<InspectorOptions> & { config?: InspectorConfig } = {}) {
  const log = new RecordingLogger();
  const mail = new RecordingMail();
  const inspector = new LiveInspector({
    config: inspectorConfig(),
    log,
    co2: { intensity: 300, pue: 1 },
    intervalMs: MIN,
    mail,
    ...o,
  });
  return { inspector, log, mail };
}

/** A running two-node job started at T0 (user alice, account physics, partition batch, 2 CPUs per node). */
export const twoNodeJob = (o: Partial<JobInfo> = {}): JobInfo =>
  jobInfo({ jobid: '7', nodes: ['n1', 'n2'], cpus: 4, startTimeMs: T0, ...o });

/** What each node's agent says of the job this cycle; absent node: no report. */
export type NodeFigures = Record<string, Partial<NodeReportJob>>;

/** Uneven load: n1 busy, n2 nearly idle. */
export const UNEVEN: NodeFigures = { n1: { cpuUtilization: 0.97 }, n2: { cpuUtilization: 0.03 } };
/** Even and busy. */
export const EVEN: NodeFigures = { n1: { cpuUtilization: 0.95 }, n2: { cpuUtilization: 0.9 } };

/** One cycle at `minute` after T0: the snapshot holds `jobs`, the agents report `figures` for each. */
export function cycle(
  inspector: LiveInspector,
  minute: number,
  jobs: readonly JobInfo[],
  figures: NodeFigures = {},
): RaisedFinding[] {
  const nowMs = T0 + minute * MIN;
  const reports = Object.entries(figures).map(([node, f]) =>
    nodeReport(
      node,
      nowMs,
      jobs.map((j) => reportJob({ jobid: j.jobid, ...f })),
    ),
  );
  const webjobs = computeWebjobs({ jobs, reports, nowMs });
  return inspector.observe({ nowMs, cluster: 'capture', jobs, webjobs, reports });
}

/** Runs cycles `from`..`to` (minutes, inclusive); returns the minutes at which a finding of `kind` was active first. */
export function runMinutes(
  inspector: LiveInspector,
  range: [number, number],
  jobs: readonly JobInfo[],
  figures: NodeFigures | ((minute: number) => NodeFigures),
): void {
  for (let m = range[0]; m <= range[1]; m++)
    cycle(inspector, m, jobs, typeof figures === 'function' ? figures(m) : figures);
}
