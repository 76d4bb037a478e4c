import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseNodeReport } from '@slurmscope/common';
import { RecordingLogger } from '@slurmscope/model';
import { Sampler } from './sampler.js';
import { emptyState } from './state.js';
import { bump, copyNode, JOB42, PKG0, TESTDATA, valueOf } from './test-fixtures.js';

const T0 = 1_800_000_000_000;
const DIE = (zone: string): string => `sys/devices/virtual/powercap/intel-rapl/${zone}/energy_uj`;

function sampler(root: string, log = new RecordingLogger()): Sampler {
  return new Sampler({ root, node: 'n1', log, gpu: undefined, stateDir: undefined, state: emptyState('n1', 'b') });
}

describe('RAPL on the sampler', () => {
  test('a multi-die node (package-N-die-M) sums every die and its dram: node power and job energy', () => {
    const root = copyNode('root-rapl-multidie');
    const s = sampler(root);
    s.sample(T0);
    for (const [zone, joules] of [
      ['intel-rapl:0', 500n],
      ['intel-rapl:1', 400n],
      ['intel-rapl:2', 300n],
      ['intel-rapl:3', 200n],
      ['intel-rapl:3/intel-rapl:3:0', 100n],
    ] as const) {
      bump(root, DIE(zone), joules * 1_000_000n);
    }
    bump(root, JOB42, 16_000_000_000n); // 16 CPU-s of the 80 the node's 8 CPUs had in 10 s
    const f = s.sample(T0 + 10_000).families;
    assert.equal(valueOf(f, 'slurmscope_node_power_watts', { source: 'rapl' }), 150);
    assert.ok(Math.abs(valueOf(f, 'slurmscope_job_cpu_energy_joules_total', { jobid: '42' })! - 300) < 1e-6);
    assert.ok(valueOf(f, 'slurmscope_node_rapl_energy_joules_total', { zone: 'package-0-die-1' })! > 0);
    assert.ok(valueOf(f, 'slurmscope_node_rapl_energy_joules_total', { zone: 'package-1-die-1/dram' })! > 0);
    assert.equal(valueOf(f, 'slurmscope_collector_errors_total', { collector: 'rapl' }), 0);
  });

  test('a zone of unknown kind: logged once and counted once, whatever the number of cycles', () => {
    const root = copyNode();
    writeFileSync(join(root, 'sys/devices/virtual/powercap/intel-rapl/intel-rapl:2/name'), 'mystery\n');
    const log = new RecordingLogger();
    const s = sampler(root, log);
    let f = s.sample(T0).families;
    for (let i = 1; i <= 3; i++) f = s.sample(T0 + i * 10_000).families;
    assert.equal(valueOf(f, 'slurmscope_collector_errors_total', { collector: 'rapl' }), 1);
    assert.equal(log.records.filter((r) => /unknown RAPL zone kind/.test(JSON.stringify(r.fields))).length, 1);
    assert.ok(valueOf(f, 'slurmscope_node_rapl_energy_joules_total', { zone: 'mystery' })! > 0, 'still exported');
  });
});

describe('a RAPL counter that steps back', () => {
  const read = (root: string, rel: string): bigint => BigInt(readFileSync(join(root, rel), 'utf8').trim());

  test('by 500 µJ is a reset (no energy to the node or its jobs, one error); a genuine wrap still counts', () => {
    const root = copyNode();
    const log = new RecordingLogger();
    const s = sampler(root, log);
    const first = s.sample(T0).families;
    const pkgBefore = valueOf(first, 'slurmscope_node_rapl_energy_joules_total', { zone: 'package-0' })!;

    writeFileSync(join(root, PKG0), `${read(root, PKG0) - 500n}\n`);
    bump(root, JOB42, 16_000_000_000n);
    const f = s.sample(T0 + 10_000).families;
    assert.equal(valueOf(f, 'slurmscope_node_energy_joules_total', { node: 'n1' }), 0, 'not 262 kJ');
    assert.equal(valueOf(f, 'slurmscope_job_cpu_energy_joules_total', { jobid: '42' }), 0);
    assert.equal(valueOf(f, 'slurmscope_node_power_watts', { source: 'rapl' }), 0);
    assert.equal(valueOf(f, 'slurmscope_node_rapl_energy_joules_total', { zone: 'package-0' }), pkgBefore);
    assert.equal(valueOf(f, 'slurmscope_collector_errors_total', { collector: 'rapl' }), 1);
    assert.ok(log.records.some((r) => /went back .* taken as a counter reset/.test(JSON.stringify(r.fields))));
  });

  test('by 500 µJ after 10 min without a sample (250 W package) is a reset, logged with the numbers', () => {
    const root = copyNode();
    // A 250 W package: ceiling 500 W, so 262 kJ in 600 s (437 W) would pass as a wrap on power alone.
    writeFileSync(
      join(root, 'sys/devices/virtual/powercap/intel-rapl/intel-rapl:0/constraint_0_max_power_uw'),
      '250000000\n',
    );
    const log = new RecordingLogger();
    const s = sampler(root, log);
    s.sample(T0);
    const before = read(root, PKG0);
    writeFileSync(join(root, PKG0), `${before - 500n}\n`);
    const f = s.sample(T0 + 600_000).families;
    assert.equal(valueOf(f, 'slurmscope_node_energy_joules_total', { node: 'n1' }), 0, 'not 262 kJ');
    assert.equal(valueOf(f, 'slurmscope_collector_errors_total', { collector: 'rapl' }), 1);
    const line = log.records.map((r) => JSON.stringify(r.fields)).find((t) => /went back/.test(t));
    assert.ok(line?.includes(`from ${before} to ${before - 500n} µJ in 600 s, longer than the 524 s`), line);
    assert.match(line!, /ceiling of 500 W: a wrap cannot be told from a reset; taken as a counter reset/);
  });

  test('past the range, at a plausible power, is a wrap: its energy is counted, no error', () => {
    const root = copyNode();
    const s = sampler(root);
    const max = read(root, 'sys/devices/virtual/powercap/intel-rapl/intel-rapl:0/max_energy_range_uj');
    writeFileSync(join(root, PKG0), `${max - 1_000_000n}\n`); // 1 J below the range
    s.sample(T0);
    writeFileSync(join(root, PKG0), '99000000\n'); // 99 J past 0, ten seconds later: 10 W
    bump(root, JOB42, 16_000_000_000n);
    const w = s.sample(T0 + 10_000).families;
    assert.ok(Math.abs(valueOf(w, 'slurmscope_node_energy_joules_total', { node: 'n1' })! - 100) < 1e-6);
    assert.ok(Math.abs(valueOf(w, 'slurmscope_job_cpu_energy_joules_total', { jobid: '42' })! - 20) < 1e-6);
    assert.equal(valueOf(w, 'slurmscope_node_power_watts', { source: 'rapl' }), 10);
    assert.equal(valueOf(w, 'slurmscope_collector_errors_total', { collector: 'rapl' }), 0);
  });
});

describe('job cgroups on the sampler', () => {
  const MEM42 = 'sys/fs/cgroup/memory/slurm_n1/uid_1000/job_42';

  test('a file missing from a running job is a counted, logged cgroup error; the job keeps its counters', () => {
    const root = copyNode();
    const log = new RecordingLogger();
    const s = sampler(root, log);
    s.sample(T0);
    bump(root, PKG0, 1_000_000_000n);
    bump(root, JOB42, 8_000_000_000n);
    const before = valueOf(s.sample(T0 + 10_000).families, 'slurmscope_job_energy_joules_total', { jobid: '42' })!;
    assert.ok(before > 0);

    renameSync(join(root, MEM42, 'memory.stat'), join(root, 'memory.stat.aside'));
    const broken = s.sample(T0 + 20_000);
    assert.equal(valueOf(broken.families, 'slurmscope_collector_errors_total', { node: 'n1', collector: 'cgroup' }), 1);
    const logged = log.records.filter((r) => r.msg === 'collector error');
    assert.equal(logged.length, 1);
    assert.match(JSON.stringify(logged[0]!.fields), /job_42\/memory\.stat/);
    assert.ok(broken.data.state.jobs['42'], 'accumulators kept');
    assert.deepEqual([...broken.heldCpus].sort(), [0, 1, 2, 3, 4, 5, 6, 7], 'an unread job may hold any core');

    renameSync(join(root, 'memory.stat.aside'), join(root, MEM42, 'memory.stat'));
    bump(root, PKG0, 1_000_000_000n);
    bump(root, JOB42, 8_000_000_000n);
    const back = s.sample(T0 + 30_000).families;
    const after = valueOf(back, 'slurmscope_job_energy_joules_total', { jobid: '42' })!;
    assert.ok(after >= before, `the counter continues (${before} -> ${after}), never restarts`);
    assert.equal(
      valueOf(back, 'slurmscope_job_cpu_utilization_ratio', { jobid: '42' }),
      undefined,
      'no delta over two intervals',
    );
  });

  test('a job that ended (its folders gone) is no error', () => {
    const root = copyNode();
    const s = sampler(root);
    s.sample(T0);
    for (const c of ['cpuacct', 'memory', 'cpuset']) {
      rmSync(join(root, `sys/fs/cgroup/${c}/slurm_n1/uid_1001`), { recursive: true, force: true });
    }
    const f = s.sample(T0 + 10_000);
    assert.equal(valueOf(f.families, 'slurmscope_collector_errors_total', { collector: 'cgroup' }), 0);
    assert.equal(f.data.state.jobs['43'], undefined);
  });
});

describe('the node report', () => {
  test('none on the first sample (no interval: nothing made up); then the measured interval', () => {
    const root = copyNode();
    const s = sampler(root);
    const first = s.sample(T0);
    assert.equal(first.report, undefined);
    assert.equal(first.data.seconds, undefined);
    const second = s.sample(T0 + 10_000);
    assert.equal(second.report?.intervalMs, 10_000);
    assert.ok(second.report?.jobs.some((j) => j.jobid === '42'));
  });
  test('v1 node: OOM kills in the families and the report; no pressure (no PSI on v1)', () => {
    const s = sampler(copyNode());
    s.sample(T0);
    const { families, report } = s.sample(T0 + 10_000);
    assert.equal(valueOf(families, 'slurmscope_job_oom_kills_total', { jobid: '43', node: 'n1' }), 1);
    assert.equal(valueOf(families, 'slurmscope_job_oom_kills_total', { jobid: '42', node: 'n1' }), 0);
    assert.deepEqual(families.find((f) => f.name === 'slurmscope_job_memory_pressure_ratio')?.samples, []);
    const jobs = new Map(report?.jobs.map((j) => [j.jobid, j]));
    assert.deepEqual(
      ['42', '43'].map((id) => [jobs.get(id)?.oomKills, 'memoryPressure' in (jobs.get(id) ?? {})]),
      [
        [0, false],
        [1, false],
      ],
    );
  });
  test('v1 node: the counter stays at 1 when the step holding the kill ends (its memcg goes)', () => {
    const root = copyNode();
    const s = sampler(root);
    assert.equal(valueOf(s.sample(T0).families, 'slurmscope_job_oom_kills_total', { jobid: '43' }), 1);
    rmSync(join(root, 'sys/fs/cgroup/memory/slurm_n1/uid_1001/job_43/step_batch'), { recursive: true });
    const f = s.sample(T0 + 10_000).families;
    assert.equal(valueOf(f, 'slurmscope_job_oom_kills_total', { jobid: '43' }), 1);
    assert.equal(valueOf(f, 'slurmscope_collector_errors_total', { collector: 'cgroup' }), 0);
  });
  test('v2 node: OOM kills and memory pressure (some avg60 / 100) in the families and the report', () => {
    const s = sampler(join(TESTDATA, 'root-v2'));
    s.sample(T0);
    const { families, report } = s.sample(T0 + 10_000);
    assert.equal(valueOf(families, 'slurmscope_job_oom_kills_total', { jobid: '200', node: 'n1' }), 1);
    assert.equal(valueOf(families, 'slurmscope_job_memory_pressure_ratio', { jobid: '200', node: 'n1' }), 0.0412);
    const j = report?.jobs.find((x) => x.jobid === '200');
    assert.deepEqual([j?.oomKills, j?.memoryPressure], [1, 0.0412]);
    assert.deepEqual(parseNodeReport(report).ok && parseNodeReport(report), { ok: true, report }, 'ctld accepts it');
  });
});

describe('the node report: where RAPL energy came from (power.raplSource)', () => {
  const second = (root: string): ReturnType<Sampler['sample']>['report'] => {
    const s = sampler(root);
    s.sample(T0);
    bump(root, PKG0, 50_000_000n);
    return s.sample(T0 + 10_000).report;
  };
  test('the real powercap layout: measured', () => {
    const report = second(copyNode());
    assert.equal(report?.power.raplSource, 'measured');
    assert.ok(report?.power.raplWatts !== undefined);
  });
  test('a zone folder with a SIMULATED file (the demo stand-in): simulated, and ctld accepts it', () => {
    const root = copyNode();
    writeFileSync(join(root, 'sys/devices/virtual/powercap/intel-rapl/intel-rapl:0/SIMULATED'), 'demo\n');
    const report = second(root);
    assert.equal(report?.power.raplSource, 'simulated');
    assert.ok(report?.jobs.find((j) => j.jobid === '42')?.energyJoules !== undefined);
    assert.equal(parseNodeReport(report).ok, true);
  });
  test('no RAPL: no raplSource', () => {
    const root = copyNode();
    rmSync(join(root, 'sys/class/powercap'), { recursive: true, force: true });
    const s = sampler(root);
    s.sample(T0);
    const report = s.sample(T0 + 10_000).report;
    assert.ok(report !== undefined);
    assert.deepEqual(report.power, {});
  });
});
