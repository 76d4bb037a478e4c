import { test } from 'node:test';
import assert from 'node:assert/strict';
import { splitMetricName } from './sample.js';

test('splitMetricName: measurement is namespace_subsystem, field the rest', () => {
  const cases: Array<[string, string, string]> = [
    ['slurmscope_job_cpu_seconds_total', 'slurmscope_job', 'cpu_seconds_total'],
    ['slurmscope_node_rapl_energy_joules_total', 'slurmscope_node', 'rapl_energy_joules_total'],
    ['slurmscope_gpu_power_watts', 'slurmscope_gpu', 'power_watts'],
  ];
  for (const [name, measurement, field] of cases) {
    assert.deepEqual(splitMetricName(name), { measurement, field }, name);
  }
});

test('splitMetricName: rejects names without a subsystem', () => {
  for (const bad of ['slurmscope', 'slurmscope_job', 'slurmscope_job_', '_job_x']) {
    assert.throws(() => splitMetricName(bad), /not of the form/, bad);
  }
});
