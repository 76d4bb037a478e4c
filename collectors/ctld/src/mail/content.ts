import type { FindingKind } from '@slurmscope/common';
import { pct } from '../inspector/format.js';
import type { FindingCost, RaisedFinding } from '../inspector/types.js';
import type { JobReport } from '../reports/types.js';
import { adviceFor, KIND_TITLES } from './advice.js';

/** One finding as the templates show it. */
export interface FindingView {
  readonly kind: FindingKind;
  /** The kind as a user reads it ("low CPU efficiency"). */
  readonly title: string;
  /** What was seen, one sentence. */
  readonly message: string;
  /** `{ node: 'c0412', text: 'CPU 3 %' }`, busiest problem first. */
  readonly nodes: readonly { readonly node: string; readonly text: string }[];
  /** Concrete sbatch/srun advice, one line each. */
  readonly advice: readonly string[];
}

/** What a job cost, formatted; a figure nothing measured is absent. */
export interface CostView {
  readonly idleCpuHours?: string;
  readonly idleGpuHours?: string;
  readonly energyKwh?: string;
  readonly co2?: string;
}

/** The data of a mail about one job (the `finding` templates). */
export interface JobMailView {
  readonly user: string;
  readonly cluster: string;
  readonly jobid: string;
  readonly displayId: string;
  readonly partition: string;
  readonly account: string;
  /** True while the job runs (a live finding), false in the end-of-job mail. */
  readonly running: boolean;
  /** "1 h 05 min". */
  readonly elapsed: string;
  readonly findings: readonly FindingView[];
  readonly cost: CostView;
  readonly hasCost: boolean;
  /** The job's page from `inspector.linkBase`; absent without one. */
  readonly link?: string;
  /** `slurmscope report <id>`: the whole report once the job ended. */
  readonly reportCommand: string;
}

/** "2 h 05 min", "12 min", "40 s". */
export function formatElapsed(seconds: number): string {
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/** A number for a mail: 3 significant figures at most, no exponent. */
export function formatNumber(v: number): string {
  if (v >= 100) return v.toFixed(0);
  if (v >= 10) return v.toFixed(1);
  return v.toFixed(2);
}

/** The job's page: `{jobid}` and `{user}` replaced (URL-encoded); without `{jobid}`, the id appended. */
export function jobLink(linkBase: string | undefined, jobid: string, user: string): string | undefined {
  if (linkBase === undefined) return undefined;
  const id = encodeURIComponent(jobid);
  const withUser = linkBase.replaceAll('{user}', encodeURIComponent(user));
  if (withUser.includes('{jobid}')) return withUser.replaceAll('{jobid}', id);
  return /[/=#]$/.test(withUser) ? `${withUser}${id}` : `${withUser}/${id}`;
}

/** The cost figures formatted; absent ones stay absent. */
export function costView(c: FindingCost): CostView {
  const co2 =
    c.co2Grams === undefined
      ? undefined
      : c.co2Grams >= 1000
        ? `${formatNumber(c.co2Grams / 1000)} kg`
        : `${formatNumber(c.co2Grams)} g`;
  return {
    ...(c.idleCpuHours === undefined ? {} : { idleCpuHours: formatNumber(c.idleCpuHours) }),
    ...(c.idleGpuHours === undefined ? {} : { idleGpuHours: formatNumber(c.idleGpuHours) }),
    ...(c.energyJoules === undefined ? {} : { energyKwh: formatNumber(c.energyJoules / 3.6e6) }),
    ...(co2 === undefined ? {} : { co2 }),
  };
}

/** The mail data of a live finding. */
export function viewOfRaised(f: RaisedFinding, linkBase: string | undefined): JobMailView {
  const cost = costView(f.cost);
  const link = jobLink(linkBase, f.jobid, f.user);
  return {
    user: f.user,
    cluster: f.cluster,
    jobid: f.jobid,
    displayId: f.displayId,
    partition: f.partition,
    account: f.account,
    running: true,
    elapsed: formatElapsed(f.elapsedSeconds),
    findings: [
      {
        kind: f.kind,
        title: KIND_TITLES[f.kind],
        message: f.message,
        nodes: f.nodes.map((n) => ({ node: n.node, text: n.text })),
        advice: adviceFor(f.kind, { displayId: f.displayId, elapsedSeconds: f.elapsedSeconds }),
      },
    ],
    cost,
    hasCost: Object.keys(cost).length > 0,
    ...(link === undefined ? {} : { link }),
    reportCommand: `slurmscope report ${f.displayId}`,
  };
}

/** What the job wasted by its report: CPU time held but not used, GPU time likewise, energy, CO2. */
export function reportCost(r: JobReport): FindingCost {
  const elapsed = r.elapsed_seconds ?? 0;
  const idleCpu = Math.max(0, r.requested.cpus * elapsed - r.cpu_seconds) / 3600;
  const idleGpu =
    r.requested.gpus > 0 ? Math.max(0, r.requested.gpus * elapsed - r.used.gpu_seconds) / 3600 : undefined;
  return {
    idleCpuHours: idleCpu,
    ...(idleGpu === undefined ? {} : { idleGpuHours: idleGpu }),
    ...(r.energy_joules === null ? {} : { energyJoules: r.energy_joules }),
    ...(r.co2_grams === null ? {} : { co2Grams: r.co2_grams }),
  };
}

/** A report's per-node figures for one kind: what the agents summed on each node. */
export function reportNodes(r: JobReport, kind: FindingKind): { node: string; text: string }[] {
  const elapsed = r.elapsed_seconds ?? 0;
  const rows = r.per_node.map((n) => {
    switch (kind) {
      case 'low_cpu_efficiency':
      case 'uneven_load':
        return n.cpus > 0 && elapsed > 0
          ? { node: n.node, text: `CPU ${pct(n.cpu_seconds / (n.cpus * elapsed))}`, v: n.cpu_seconds / n.cpus }
          : undefined;
      case 'idle_gpus':
        return { node: n.node, text: `GPU busy ${formatNumber(n.gpu_seconds / 3600)} h`, v: n.gpu_seconds };
      case 'memory_over_request':
      case 'memory_near_limit':
      case 'oom_killed':
        return { node: n.node, text: `memory peak ${formatNumber(n.memory_peak_bytes / 2 ** 30)} GiB`, v: 0 };
      case 'time_limit_over_request':
        return undefined;
    }
  });
  // The idlest node first: that is where the problem is.
  return rows
    .filter((x) => x !== undefined)
    .sort((a, b) => a.v - b.v)
    .map(({ node, text }) => ({ node, text }));
}

/** The mail data of an ended job, with only the findings of `kinds`. */
export function viewOfReport(r: JobReport, kinds: ReadonlySet<FindingKind>, linkBase: string | undefined): JobMailView {
  const cost = costView(reportCost(r));
  const link = jobLink(linkBase, r.jobid, r.user);
  const facts = {
    displayId: r.display_id,
    memoryPeakBytes: r.used.memory_peak_bytes,
    gpus: r.requested.gpus,
    ...(r.elapsed_seconds === null ? {} : { elapsedSeconds: r.elapsed_seconds }),
    ...(r.requested.time_limit_seconds === null ? {} : { timeLimitSeconds: r.requested.time_limit_seconds }),
  };
  return {
    user: r.user,
    cluster: r.cluster,
    jobid: r.jobid,
    displayId: r.display_id,
    partition: r.partition,
    account: r.account,
    running: false,
    elapsed: formatElapsed(r.elapsed_seconds ?? 0),
    findings: r.findings
      .filter((f) => kinds.has(f.kind))
      .map((f) => ({
        kind: f.kind,
        title: KIND_TITLES[f.kind],
        message: f.message,
        // A live finding copied into the report carries its own per-node figures.
        nodes: f.nodes?.map((n) => ({ node: n.node, text: n.text })) ?? reportNodes(r, f.kind),
        advice: adviceFor(f.kind, facts),
      })),
    cost,
    hasCost: Object.keys(cost).length > 0,
    ...(link === undefined ? {} : { link }),
    reportCommand: `slurmscope report ${r.display_id}`,
  };
}
