import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inspectJob, type InspectorInput } from './inspector.js';

const base: InspectorInput = { gpus: 0, memoryRequestedBytes: 0 };

test('inspectJob: each finding at its threshold, and none for unmeasured figures', () => {
  const cases: [string, InspectorInput, string[]][] = [
    ['nothing measured', base, []],
    ['efficient job', { ...base, cpuEfficiency: 0.9, loadImbalance: 0.1 }, []],
    ['low cpu efficiency', { ...base, cpuEfficiency: 0.29 }, ['low_cpu_efficiency']],
    ['cpu efficiency at the threshold', { ...base, cpuEfficiency: 0.3 }, []],
    ['idle GPUs', { ...base, gpus: 2, gpuUtilization: 0.04 }, ['idle_gpus']],
    ['busy GPUs', { ...base, gpus: 2, gpuUtilization: 0.05 }, []],
    ['GPU figure without GPUs held', { ...base, gpus: 0, gpuUtilization: 0 }, []],
    ['GPUs held, utilization unmeasured', { ...base, gpus: 4 }, []],
    ['uneven load at the threshold', { ...base, loadImbalance: 0.5 }, ['uneven_load']],
    ['even enough', { ...base, loadImbalance: 0.49 }, []],
    ['memory over-request', { ...base, memoryPeakBytes: 29, memoryRequestedBytes: 100 }, ['memory_over_request']],
    ['memory well used', { ...base, memoryPeakBytes: 30, memoryRequestedBytes: 100 }, []],
    ['no memory request', { ...base, memoryPeakBytes: 1, memoryRequestedBytes: 0 }, []],
    [
      'everything wrong',
      {
        gpus: 1,
        gpuUtilization: 0,
        cpuEfficiency: 0.1,
        loadImbalance: 1,
        memoryPeakBytes: 1,
        memoryRequestedBytes: 100,
      },
      ['low_cpu_efficiency', 'idle_gpus', 'uneven_load', 'memory_over_request'],
    ],
  ];
  for (const [name, input, kinds] of cases) {
    const f = inspectJob(input);
    assert.deepEqual(
      f.map((x) => x.kind),
      kinds,
      name,
    );
    for (const x of f) assert.ok(x.message.length > 10 && Number.isFinite(x.value), name);
  }
  const [mem] = inspectJob({ ...base, memoryPeakBytes: 10, memoryRequestedBytes: 100 });
  assert.equal(mem?.value, 0.1);
  assert.match(mem?.message ?? '', /10 % of the memory requested/);
});
