import type { Finding, JobReport } from '../reports/types.js';

/** A mail to a job's user, composed from its report. */
export interface Notice {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
}

/** What to do about each finding, in a sentence a user can act on. */
const ADVICE: Readonly<Record<Finding['kind'], string>> = {
  low_cpu_efficiency:
    'Request fewer CPUs (--ntasks, --cpus-per-task), or check that the program really runs in parallel ' +
    '(threads set by OMP_NUM_THREADS, srun for MPI).',
  idle_gpus:
    'Request GPUs only for the steps that use them, or check that the program finds the GPU ' +
    '(CUDA_VISIBLE_DEVICES, the right module).',
  uneven_load: 'Spread the work over all nodes (tasks per node, a balanced decomposition), or request fewer nodes.',
  memory_over_request: 'Request less memory (--mem, --mem-per-cpu): the job will start sooner.',
};

const pct = (v: number | null): string => (v === null ? 'n/a' : `${(v * 100).toFixed(0)} %`);

/** The findings worth a mail: warnings only (an info finding alone is not). */
export function mailworthy(report: JobReport): Finding[] {
  return report.findings.filter((f) => f.severity === 'warning');
}

/**
 * The mail about one ended job: what was found, what to do, and how to see the whole report.
 * Pure; `to` is the user's address. Holds no batch script (mail is not the place for it).
 */
export function composeNotice(report: JobReport, to: string): Notice {
  const id = report.display_id;
  const warnings = mailworthy(report);
  const infos = report.findings.filter((f) => f.severity !== 'warning');
  const lines = [
    `Hello ${report.user},`,
    '',
    `your job ${id} on cluster ${report.cluster} (partition ${report.partition}, ${report.state}) used the`,
    'resources it held poorly:',
    '',
    ...[...warnings, ...infos].flatMap((f) => [`  - ${f.message}.`, `    ${ADVICE[f.kind]}`]),
    '',
    'The job:',
    `  nodes       ${report.nodes.join(',') || 'none'}`,
    `  elapsed     ${report.elapsed_seconds === null ? 'unknown' : `${report.elapsed_seconds} s`}`,
    `  CPUs        ${report.requested.cpus} held, ${report.cpu_seconds.toFixed(0)} CPU s used, efficiency ${pct(report.used.cpu_efficiency)}`,
    `  memory      peak ${(report.used.memory_peak_bytes / 2 ** 20).toFixed(0)} MiB of ${(report.requested.memory_bytes / 2 ** 20).toFixed(0)} MiB requested`,
  ];
  if (report.requested.gpus > 0) {
    lines.push(`  GPUs        ${report.requested.gpus} held, mean utilization ${pct(report.used.gpu_utilization)}`);
  }
  if (report.energy_joules !== null) {
    lines.push(
      `  energy      ${(report.energy_joules / 3.6e6).toFixed(3)} kWh, CO2e ${report.co2_grams?.toFixed(0) ?? 'n/a'} g`,
    );
  }
  lines.push(
    '',
    `The whole report (with your batch script): slurmscope report ${id}`,
    '',
    'This mail was sent by slurmscope, which looks at every job that ends on this cluster.',
    'Questions: reply to your cluster support.',
  );
  return {
    to,
    subject: `[slurmscope] job ${id} on ${report.cluster}: ${warnings.map((f) => f.kind.replace(/_/g, ' ')).join(', ')}`,
    text: `${lines.join('\n')}\n`,
  };
}
