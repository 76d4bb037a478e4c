import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { discoverJobs, readRaplZones } from '@slurmscope/node-agent';
import {
  advanceUj,
  buildSimRoot,
  CPU_WATTS,
  IDLE_WATTS,
  MAX_ENERGY_RANGE_UJ,
  parseUsage,
  readNodeCpuNs,
  simWatts,
  zoneDir,
} from './rapl-sim.js';

test('parseUsage', async (t) => {
  const cases: { name: string; text: string; kind: 'v1' | 'v2'; want?: number }[] = [
    { name: 'v1 cpuacct.usage', text: '1500000000\n', kind: 'v1', want: 1_500_000_000 },
    { name: 'v2 cpu.stat', text: 'usage_usec 2000\nuser_usec 1500\nsystem_usec 500\n', kind: 'v2', want: 2_000_000 },
    { name: 'v1 garbage', text: 'x\n', kind: 'v1' },
    { name: 'v2 without usage_usec', text: 'user_usec 1\n', kind: 'v2' },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      if (c.want === undefined) assert.throws(() => parseUsage(c.text, c.kind), /cannot parse/);
      else assert.equal(parseUsage(c.text, c.kind), c.want);
    });
  }
});

test('simWatts: idle without a previous reading or after a step back; plus CPU_WATTS per busy CPU', () => {
  assert.equal(simWatts(undefined, 5e9, 1), IDLE_WATTS);
  assert.equal(simWatts(5e9, 1e9, 1), IDLE_WATTS);
  assert.equal(simWatts(0, 4e9, 2), IDLE_WATTS + 2 * CPU_WATTS);
});

test('advanceUj wraps at max_energy_range_uj like a RAPL counter', () => {
  assert.equal(advanceUj(0, 30, 2), 60_000_000);
  assert.equal(advanceUj(MAX_ENERGY_RANGE_UJ - 1_000_000, 2, 1), 1_000_000);
});

test("the simulated root: the agent reads its zone and the real cgroup tree's jobs through it", (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rapl-sim-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const cgroups = join(dir, 'cgroup');
  const job = join(cgroups, 'cpuacct/slurm_d1/uid_1000/job_7');
  mkdirSync(job, { recursive: true });
  writeFileSync(join(job, 'cpuacct.usage'), '100\n');
  writeFileSync(join(cgroups, 'cpuacct/slurm_d1/cpuacct.usage'), '3000000000\n');
  const root = buildSimRoot(join(dir, 'd1'), cgroups);

  const rapl = readRaplZones(root);
  assert.deepEqual(rapl.errors, []);
  assert.deepEqual(
    rapl.zones.map((z) => [z.name, z.kind, z.energyUj, z.maxEnergyRangeUj]),
    [['package-0', 'package', 0, MAX_ENERGY_RANGE_UJ]],
  );
  assert.ok(existsSync(join(zoneDir(root), 'SIMULATED')));
  assert.deepEqual(
    discoverJobs({ root, node: 'd1' }).jobs.map((j) => j.jobid),
    ['7'],
  );
  assert.equal(readNodeCpuNs(cgroups, 'd1'), 3_000_000_000);
  assert.equal(readNodeCpuNs(cgroups, 'd2'), undefined);

  // A second build (the demo restarted) keeps the counter where it was.
  writeFileSync(join(zoneDir(root), 'energy_uj'), '12345\n');
  buildSimRoot(root, cgroups);
  assert.equal(readFileSync(join(zoneDir(root), 'energy_uj'), 'utf8'), '12345\n');
});
