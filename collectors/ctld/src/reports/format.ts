import type { JobReport } from './types.js';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

/** Bytes for people: "1.50 GiB", "50.0 MiB". */
export function formatBytes(b: number): string {
  return b >= GiB ? `${(b / GiB).toFixed(2)} GiB` : `${(b / MiB).toFixed(1)} MiB`;
}

const pct = (v: number | null): string => (v === null ? 'n/a' : `${(v * 100).toFixed(1)} %`);
const num = (v: number | null, digits: number, unit: string): string =>
  v === null ? 'not measured' : `${v.toFixed(digits)} ${unit}`;

/** Where the CPU seconds came from; reports written before `cpu_seconds_source` existed say nothing. */
function cpuSource(r: JobReport): string {
  if (r.cpu_seconds_source === 'sacct') {
    return ` (Slurm accounting; the agents' last samples: ${(r.cpu_seconds_agents ?? 0).toFixed(1)})`;
  }
  return r.cpu_seconds_source === 'agents' ? ' (measured by the agents)' : '';
}

/** A job report as a text summary: record, resources, energy and CO2 with the method note, findings, script. */
export function formatReportText(r: JobReport): string {
  const id = r.display_id === r.jobid ? r.jobid : `${r.display_id} (raw id ${r.jobid})`;
  const memReq = r.requested.memory_bytes;
  const lines = [
    `Job ${id} on cluster ${r.cluster}`,
    `  user        ${r.user}${r.uid === null ? '' : ` (uid ${r.uid})`}, account ${r.account}, partition ${r.partition}`,
    `  state       ${r.state}${r.exit_code === null ? '' : `, exit code ${r.exit_code}`}`,
    `  start       ${r.start_time ?? 'unknown'}`,
    `  end         ${r.end_time ?? 'unknown'}${r.elapsed_seconds === null ? '' : ` (elapsed ${r.elapsed_seconds} s)`}`,
    `  nodes       ${r.nodes.join(',') || 'none'}`,
    `  CPUs        ${r.requested.cpus} allocated, ${r.cpu_seconds.toFixed(1)} CPU s used${cpuSource(r)}, efficiency ${pct(r.used.cpu_efficiency)}`,
    `  memory      peak ${formatBytes(r.used.memory_peak_bytes)} of ${formatBytes(memReq)} requested` +
      (memReq > 0 ? ` (${pct(r.used.memory_peak_bytes / memReq)})` : ''),
  ];
  if (r.requested.gpus > 0) {
    lines.push(`  GPUs        ${r.requested.gpus} allocated, utilization ${pct(r.used.gpu_utilization)}`);
  }
  const kwh = r.energy.kwh;
  lines.push(
    `  energy      ${num(r.energy_joules, 0, 'J')}${kwh === null ? '' : ` (${kwh.toFixed(4)} kWh)`}` +
      // energy_source: absent in older reports, null without energy.
      (r.energy_joules === null || !r.energy_source
        ? ''
        : r.energy_source === 'simulated'
          ? ', SIMULATED (demo RAPL stand-in)'
          : ', measured'),
    `  CO2e        ${num(r.co2_grams, 2, 'g')}` +
      (r.co2.intensity_g_per_kwh === null ? '' : ` at ${r.co2.intensity_g_per_kwh.toFixed(0)} g/kWh, PUE ${r.co2.pue}`),
    `              ${r.co2.note}`,
  );
  if (r.findings.length === 0) lines.push('Findings: none');
  else {
    lines.push('Findings:');
    for (const f of r.findings) lines.push(`  - [${f.severity}] ${f.kind}: ${f.message}`);
  }
  lines.push(
    r.script === null
      ? 'Batch script: not available'
      : `Batch script (from ${r.script_source ?? 'unknown'}):\n${r.script.replace(/\n$/, '')}`,
  );
  return `${lines.join('\n')}\n`;
}

interface Row {
  readonly label: string;
  readonly get: (r: JobReport) => number | string | null;
}

const ROWS: readonly Row[] = [
  { label: 'job', get: (r) => r.display_id },
  { label: 'user', get: (r) => r.user },
  { label: 'state', get: (r) => r.state },
  { label: 'partition', get: (r) => r.partition },
  { label: 'nodes', get: (r) => r.nodes.length },
  { label: 'cpus', get: (r) => r.requested.cpus },
  { label: 'elapsed_seconds', get: (r) => r.elapsed_seconds },
  { label: 'cpu_seconds', get: (r) => r.cpu_seconds },
  { label: 'cpu_efficiency', get: (r) => r.used.cpu_efficiency },
  { label: 'memory_requested_bytes', get: (r) => r.requested.memory_bytes },
  { label: 'memory_peak_bytes', get: (r) => r.used.memory_peak_bytes },
  { label: 'gpus', get: (r) => r.requested.gpus },
  { label: 'gpu_utilization', get: (r) => r.used.gpu_utilization },
  { label: 'load_imbalance', get: (r) => r.used.load_imbalance },
  { label: 'energy_joules', get: (r) => r.energy_joules },
  { label: 'co2_grams', get: (r) => r.co2_grams },
  { label: 'findings', get: (r) => r.findings.map((f) => f.kind).join(',') || '-' },
  { label: 'script_lines', get: (r) => (r.script === null ? null : r.script.split('\n').length) },
];

const cell = (v: number | string | null): string =>
  v === null ? 'n/a' : typeof v === 'number' ? String(Number.isInteger(v) ? v : Number(v.toPrecision(4))) : v;

/** Two reports side by side: one row per field with both values and B/A where both are numbers. */
export function formatComparison(a: JobReport, b: JobReport): string {
  const rows = ROWS.map((row) => {
    const va = row.get(a);
    const vb = row.get(b);
    const ratio = typeof va === 'number' && typeof vb === 'number' && va !== 0 ? (vb / va).toFixed(2) : '';
    return [row.label, cell(va), cell(vb), ratio];
  });
  const header = ['field', `A: ${a.display_id}`, `B: ${b.display_id}`, 'B/A'];
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  const line = (r: readonly string[]): string =>
    r
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  const diff = a.script === b.script ? 'identical' : 'different';
  return `${all.map(line).join('\n')}\nbatch scripts: ${diff}\n${a.co2.note}\n`;
}
