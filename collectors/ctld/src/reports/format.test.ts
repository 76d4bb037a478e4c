import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatBytes, formatComparison, formatReportText } from './format.js';
import { sampleReport } from './testkit.js';
import type { JobReport } from './types.js';

const T = Date.parse('2026-03-01T12:00:00Z');

test('formatReportText: unmeasured energy reads "not measured", findings and a missing script are shown', () => {
  const r = {
    ...sampleReport({ jobid: '7', user: 'bob', endMs: T, cpuSeconds: 60 }),
    energy_joules: null,
    co2_grams: null,
    energy: { measured_joules: null, overhead_joules: null, kwh: null },
    script: null,
    script_source: null,
    // A 10-minute job is too short for the inspector's 40 minutes (grace + sustain): given here.
    findings: [
      {
        kind: 'low_cpu_efficiency' as const,
        severity: 'warning' as const,
        message: 'the job used 5 % of the CPU time it held (below 30 %)',
        value: 0.05,
      },
    ],
  };
  const text = formatReportText({ ...r, co2: { ...r.co2, intensity_g_per_kwh: null } });
  assert.match(text, /^ {2}energy {6}not measured$/m);
  assert.match(text, /^ {2}CO2e {8}not measured$/m);
  assert.match(text, /- \[warning\] low_cpu_efficiency: the job used 5 % of the CPU time/);
  assert.match(text, /Batch script: not available\n$/);
});

test('formatReportText: says where the CPU seconds came from, and nothing for older reports', () => {
  const base = sampleReport({ jobid: '7', user: 'bob', endMs: T, cpuSeconds: 60 });
  const sacct = formatReportText({ ...base, cpu_seconds_source: 'sacct', cpu_seconds_agents: 41.25 });
  assert.match(sacct, /60\.0 CPU s used \(Slurm accounting; the agents' last samples: 41\.3\), efficiency/);
  const agents = formatReportText({ ...base, cpu_seconds_source: 'agents', cpu_seconds_agents: 60 });
  assert.match(agents, /60\.0 CPU s used \(measured by the agents\), efficiency/);
  // An archived report from before the keys existed, as read back from its JSON.
  const older = JSON.parse(JSON.stringify(base, (k, v: unknown) => (k.startsWith('cpu_seconds_') ? undefined : v)));
  assert.equal('cpu_seconds_source' in older, false);
  assert.match(formatReportText(older as JobReport), /60\.0 CPU s used, efficiency/);
});

test('formatComparison: n/a for missing figures, no ratio against zero or text', () => {
  const a = sampleReport({ jobid: '1', user: 'u', endMs: T });
  const b = { ...sampleReport({ jobid: '2', user: 'u', endMs: T }), energy_joules: null };
  const text = formatComparison(a, b);
  assert.match(text, /^energy_joules\s+72000\s+n\/a$/m);
  assert.match(text, /^gpus\s+0\s+0$/m);
  assert.match(text, /^user\s+u\s+u$/m);
  assert.match(text, /^batch scripts: identical$/m);
  assert.equal(formatBytes(1.5 * 1024 ** 3), '1.50 GiB');
  assert.equal(formatBytes(50 * 1024 ** 2), '50.0 MiB');
});

test('formatReportText: the energy line names its source; older reports without energy_source print none', () => {
  const base = sampleReport({ jobid: '7', user: 'bob', endMs: T });
  const line = (r: JobReport): string | undefined => /^ {2}energy {6}.*$/m.exec(formatReportText(r))?.[0];
  assert.equal(
    line({ ...base, energy_source: 'simulated' }),
    '  energy      72000 J (0.0200 kWh), SIMULATED (demo RAPL stand-in)',
  );
  assert.equal(line({ ...base, energy_source: 'measured' }), '  energy      72000 J (0.0200 kWh), measured');
  const older = { ...base };
  delete (older as { energy_source?: unknown }).energy_source;
  assert.equal(line(older), '  energy      72000 J (0.0200 kWh)');
});
