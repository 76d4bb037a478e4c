import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { validate } from '@slurmscope/common';
import { RecordingLogger } from '@slurmscope/model';
import { prometheusExposition } from '@slurmscope/prometheus';
import { sampleOnce } from './agent.js';
import { parseGpuQuery, parseComputeApps } from './collectors/index.js';
import type { GpuSource } from './gpu-source.js';
import { Sampler } from './sampler.js';
import { emptyState, loadState, saveState } from './state.js';

const testdata = fileURLToPath(new URL('../testdata/', import.meta.url));
const fixture = join(testdata, 'root-node');
const golden = join(testdata, 'golden/agent-once.prom');

test('agent --once on the fixture node matches the golden exposition (UPDATE_GOLDEN=1 rewrites it)', async () => {
  const config = validate('agent', { stateDir: '/var/lib/slurmscope' }, '(test)');
  const text = await sampleOnce({
    config,
    log: new RecordingLogger(),
    root: fixture,
    node: 'n1',
    nvidiaSmi: join(testdata, 'bin/nvidia-smi'),
    exposition: prometheusExposition(),
  });
  if (process.env.UPDATE_GOLDEN) writeFileSync(golden, text);
  assert.equal(text, readFileSync(golden, 'utf8'));
});

/** A fixed GPU source from the captured A100 fixture. */
function fixtureGpus(): GpuSource {
  const gpus = parseGpuQuery(readFileSync(join(testdata, 'nvidia-smi/node.csv'), 'utf8'), 'node.csv');
  const apps = parseComputeApps(readFileSync(join(testdata, 'nvidia-smi/node-apps.csv'), 'utf8'), 'node-apps.csv');
  return { gpus: () => gpus, apps: () => apps, takeErrors: () => 0, stop: async () => {} };
}

/** Adds to a counter file in a copied tree. */
function bump(root: string, rel: string, by: bigint): void {
  const path = join(root, rel);
  writeFileSync(path, `${BigInt(readFileSync(path, 'utf8').trim()) + by}\n`);
}

const JOB42 = 'sys/fs/cgroup/cpuacct/slurm_n1/uid_1000/job_42/cpuacct.usage';
const JOB43 = 'sys/fs/cgroup/cpuacct/slurm_n1/uid_1001/job_43/cpuacct.usage';
const PKG0 = 'sys/devices/virtual/powercap/intel-rapl/intel-rapl:0/energy_uj';
const DRAM0 = 'sys/devices/virtual/powercap/intel-rapl/intel-rapl:0/intel-rapl:0:2/energy_uj';
const CORE0 = 'sys/devices/virtual/powercap/intel-rapl/intel-rapl:0/intel-rapl:0:0/energy_uj';

const value = (
  families: ReturnType<Sampler['sample']>['families'],
  name: string,
  labels: Record<string, string>,
): number | undefined =>
  families
    .find((f) => f.name === name)
    ?.samples.find((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;

test('two samples: utilization, attribution by CPU time, GPUs whole to their jobs, conservation', () => {
  const root = mkdtempSync(join(tmpdir(), 'agent-e2e-'));
  cpSync(fixture, root, { recursive: true, verbatimSymlinks: true });
  const state = emptyState('n1', undefined);
  const sampler = new Sampler({
    root,
    node: 'n1',
    log: new RecordingLogger(),
    gpu: fixtureGpus(),
    stateDir: join(root, 'var/lib/slurmscope'),
    state,
  });
  const t0 = 1_800_000_000_000;
  const first = sampler.sample(t0);
  assert.equal(
    value(first.families, 'slurmscope_job_cpu_utilization_ratio', { jobid: '42' }),
    undefined,
    'no utilization on the first sample',
  );
  assert.equal(
    value(first.families, 'slurmscope_job_energy_joules_total', { jobid: '42' }),
    undefined,
    'no energy on the first sample',
  );
  assert.deepEqual([...first.heldCpus].sort(), [0, 1], 'job 42 holds 0-1, job 43 shares 1');

  bump(root, JOB42, 16_000_000_000n); // 16 CPU-s over 10 s on 2 CPUs: 0.8
  bump(root, JOB43, 500_000_000n); // 0.5 CPU-s on 1 CPU: 0.05
  bump(root, PKG0, 1_500_000_000n); // 1500 J
  bump(root, DRAM0, 100_000_000n); // 100 J
  bump(root, CORE0, 900_000_000n); // part of the package: never added again
  const second = sampler.sample(t0 + 10_000);
  const f = second.families;
  assert.equal(value(f, 'slurmscope_job_cpu_utilization_ratio', { jobid: '42' }), 0.8);
  assert.ok(Math.abs(value(f, 'slurmscope_job_cpu_utilization_ratio', { jobid: '43' })! - 0.05) < 1e-9);

  // CPU part: 1600 J over capacity 8 CPUs x 10 s = 80 CPU-s.
  const cpu42 = (1600 * 16) / 80;
  const cpu43 = (1600 * 0.5) / 80;
  assert.ok(Math.abs(value(f, 'slurmscope_job_cpu_energy_joules_total', { jobid: '42' })! - cpu42) < 1e-6);
  assert.ok(Math.abs(value(f, 'slurmscope_job_cpu_energy_joules_total', { jobid: '43' })! - cpu43) < 1e-6);
  // GPU part: job 42 holds GPU 1 (idle, by allocation) and GPU 2 (running); job 43 holds GPU 0.
  const gpu42 = (52.13 + 233.8) * 10;
  const gpu43 = 312.47 * 10;
  assert.ok(Math.abs(value(f, 'slurmscope_job_gpu_energy_joules_total', { jobid: '42' })! - gpu42) < 1e-6);
  assert.ok(Math.abs(value(f, 'slurmscope_job_gpu_energy_joules_total', { jobid: '43' })! - gpu43) < 1e-6);
  assert.equal(value(f, 'slurmscope_job_gpu_seconds_total', { jobid: '42' }), 20);

  // Conservation: jobs + unattributed = measured node energy (RAPL pkg+dram + all four GPUs).
  const node = value(f, 'slurmscope_node_energy_joules_total', { node: 'n1' })!;
  const rest = value(f, 'slurmscope_node_unattributed_energy_joules_total', { node: 'n1' })!;
  const jobs =
    value(f, 'slurmscope_job_energy_joules_total', { jobid: '42' })! +
    value(f, 'slurmscope_job_energy_joules_total', { jobid: '43' })!;
  const gpusAll = (312.47 + 52.13 + 233.8 + 67.03) * 10;
  assert.ok(Math.abs(node - (1600 + gpusAll)) < 1e-6, `node energy ${node}`);
  assert.ok(Math.abs(jobs + rest - node) < 1e-6, `jobs ${jobs} + rest ${rest} = node ${node}`);
  assert.equal(value(f, 'slurmscope_node_power_watts', { source: 'rapl' }), 160);

  // The node report carries the same figures.
  const r42 = second.report!.jobs.find((j) => j.jobid === '42')!;
  assert.equal(r42.cpuUtilization, 0.8);
  assert.ok(Math.abs(r42.energyJoules! - (cpu42 + gpu42)) < 1e-6);
  assert.deepEqual(
    r42.gpus.map((g) => g.index),
    [1, 2],
  );
});

test('a restarted agent continues its counters from the state file; a vanished job is forgotten', async () => {
  const root = mkdtempSync(join(tmpdir(), 'agent-restart-'));
  cpSync(fixture, root, { recursive: true, verbatimSymlinks: true });
  const stateFile = join(root, 'state/agent-n1.json');
  const log = new RecordingLogger();
  const a = new Sampler({
    root,
    node: 'n1',
    log,
    gpu: undefined,
    stateDir: undefined,
    state: emptyState('n1', 'boot'),
  });
  const t0 = 1_800_000_000_000;
  a.sample(t0);
  bump(root, PKG0, 1_000_000_000n);
  bump(root, JOB42, 8_000_000_000n);
  const before = a.sample(t0 + 10_000);
  await saveState(stateFile, before.data.state);
  const energy42 = value(before.families, 'slurmscope_job_energy_joules_total', { jobid: '42' })!;
  assert.ok(energy42 > 0);

  // The agent is down for 10 s, during which job 42 keeps working; then a new process resumes.
  bump(root, PKG0, 1_000_000_000n);
  bump(root, JOB42, 8_000_000_000n);
  const restored = await loadState(stateFile, 'n1', log);
  assert.ok(restored);
  const b = new Sampler({ root, node: 'n1', log, gpu: undefined, stateDir: undefined, state: restored });
  const after = b.sample(t0 + 20_000);
  const energyAfter = value(after.families, 'slurmscope_job_energy_joules_total', { jobid: '42' })!;
  assert.ok(Math.abs(energyAfter - 2 * energy42) < 1e-6, `continued: ${energyAfter} = 2 x ${energy42}`);
  const pkg = value(after.families, 'slurmscope_node_rapl_energy_joules_total', { zone: 'package-0' })!;
  const pkgBefore = value(before.families, 'slurmscope_node_rapl_energy_joules_total', { zone: 'package-0' })!;
  assert.ok(Math.abs(pkg - pkgBefore - 1000) < 1e-6, 'RAPL total continues across the restart');

  // Job 43 ends: its accumulators go with it.
  cpSync(join(root, 'sys/fs/cgroup'), join(root, 'cgroup-backup'), { recursive: true });
  for (const c of ['cpuacct', 'memory', 'cpuset']) {
    const { rmSync } = await import('node:fs');
    rmSync(join(root, `sys/fs/cgroup/${c}/slurm_n1/uid_1001`), { recursive: true, force: true });
  }
  const gone = b.sample(t0 + 30_000);
  assert.equal(gone.data.state.jobs['43'], undefined);
  assert.ok(gone.data.state.jobs['42']);
});

test('a corrupt state file is moved aside and logged, not fatal', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'agent-state-'));
  const file = join(dir, 'agent-n1.json');
  writeFileSync(file, '{"version":1,"node":"n1","rapl":');
  const log = new RecordingLogger();
  assert.equal(await loadState(file, 'n1', log), undefined);
  assert.ok(log.records.some((r) => r.level === 'error' && /moved aside/.test(r.msg)));
});

test('RAPL wrap-around keeps the zone counter monotonic', () => {
  const root = mkdtempSync(join(tmpdir(), 'agent-wrap-'));
  cpSync(fixture, root, { recursive: true, verbatimSymlinks: true });
  const s = new Sampler({
    root,
    node: 'n1',
    log: new RecordingLogger(),
    gpu: undefined,
    stateDir: undefined,
    state: emptyState('n1', undefined),
  });
  const max = BigInt(
    readFileSync(join(root, 'sys/devices/virtual/powercap/intel-rapl/intel-rapl:0/max_energy_range_uj'), 'utf8').trim(),
  );
  writeFileSync(join(root, PKG0), `${max - 1_000_000n}\n`); // 1 J below the wrap
  const a = s.sample(1000);
  writeFileSync(join(root, PKG0), '1000000\n'); // wrapped: 1 J to the max, 1 J after it
  const c = s.sample(11_000);
  const before = value(a.families, 'slurmscope_node_rapl_energy_joules_total', { zone: 'package-0' })!;
  const after = value(c.families, 'slurmscope_node_rapl_energy_joules_total', { zone: 'package-0' })!;
  assert.ok(Math.abs(after - before - 2) < 1e-6, `${after} - ${before}`);
  assert.equal(value(c.families, 'slurmscope_node_power_watts', { source: 'rapl' })! > 0, true);
});
