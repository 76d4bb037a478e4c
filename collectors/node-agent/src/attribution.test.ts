import { test } from 'node:test';
import assert from 'node:assert/strict';
import { attributeEnergy, type AttributionInput } from './attribution.js';

const sum = (a: ReturnType<typeof attributeEnergy>): number => {
  let s = a.restJoules;
  for (const e of a.jobs.values()) s += e.cpuJoules + e.gpuJoules;
  return s;
};

test('CPU energy is shared by CPU time over the node capacity; the rest stays with the node', () => {
  const a = attributeEnergy({
    seconds: 10,
    cpus: 4,
    cpuEnergyJoules: 2000,
    jobCpuSeconds: new Map([
      ['1', 20], // two cores busy
      ['2', 10], // one core busy
    ]),
    gpus: [],
  });
  assert.equal(a.jobs.get('1')!.cpuJoules, 1000);
  assert.equal(a.jobs.get('2')!.cpuJoules, 500);
  assert.equal(a.restJoules, 500);
  assert.equal(a.totalJoules, 2000);
});

test('a GPU goes whole to its job, split among sharers, to rest when no job holds it', () => {
  const a = attributeEnergy({
    seconds: 10,
    cpus: 4,
    cpuEnergyJoules: undefined,
    jobCpuSeconds: new Map([['7', 5]]),
    gpus: [
      { energyJoules: 3000, jobs: ['7'] },
      { energyJoules: 1000, jobs: ['7', '8'] },
      { energyJoules: 600, jobs: [] },
    ],
  });
  assert.equal(a.jobs.get('7')!.gpuJoules, 3500);
  assert.equal(a.jobs.get('8')!.gpuJoules, 500);
  assert.equal(a.jobs.get('7')!.cpuJoules, 0, 'no RAPL: nothing to share, not an invented zero share');
  assert.equal(a.restJoules, 600);
  assert.equal(a.measured, true);
});

test('no RAPL and no GPU: nothing measured', () => {
  const a = attributeEnergy({
    seconds: 10,
    cpus: 4,
    cpuEnergyJoules: undefined,
    jobCpuSeconds: new Map([['1', 3]]),
    gpus: [],
  });
  assert.equal(a.measured, false);
  assert.equal(a.totalJoules, 0);
});

test('CPU time above capacity (sampling skew) never hands out more than was measured', () => {
  const a = attributeEnergy({
    seconds: 1,
    cpus: 2,
    cpuEnergyJoules: 100,
    jobCpuSeconds: new Map([
      ['1', 1.5],
      ['2', 1.5],
    ]),
    gpus: [],
  });
  assert.equal(a.jobs.get('1')!.cpuJoules, 50);
  assert.equal(a.restJoules, 0);
});

test('conservation: jobs + rest = measured total, for many random intervals', () => {
  let seed = 42;
  const rnd = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let i = 0; i < 500; i++) {
    const cpus = 1 + Math.floor(rnd() * 128);
    const seconds = 0.5 + rnd() * 20;
    const jobCpuSeconds = new Map<string, number>();
    const nJobs = Math.floor(rnd() * 20);
    for (let j = 0; j < nJobs; j++)
      jobCpuSeconds.set(String(1000 + j), rnd() * seconds * (cpus / Math.max(1, nJobs)) * 1.2);
    const gpus = Array.from({ length: Math.floor(rnd() * 9) }, () => ({
      energyJoules: rnd() * 700 * seconds,
      jobs: nJobs && rnd() < 0.8 ? [String(1000 + Math.floor(rnd() * nJobs))] : [],
    }));
    const input: AttributionInput = {
      seconds,
      cpus,
      cpuEnergyJoules: rnd() < 0.9 ? rnd() * 400 * seconds : undefined,
      jobCpuSeconds,
      gpus,
    };
    const a = attributeEnergy(input);
    const expected = (input.cpuEnergyJoules ?? 0) + gpus.reduce((s, g) => s + g.energyJoules, 0);
    assert.ok(Math.abs(sum(a) - expected) <= 1e-9 * Math.max(1, expected), `case ${i}: ${sum(a)} vs ${expected}`);
    assert.ok(Math.abs(a.totalJoules - expected) <= 1e-9 * Math.max(1, expected), `case ${i}: total`);
    assert.ok(a.restJoules >= -1e-9, `case ${i}: rest never negative`);
  }
});
