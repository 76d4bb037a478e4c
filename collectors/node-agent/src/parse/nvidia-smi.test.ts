import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ParseError } from '@slurmscope/common';
import {
  GPU_QUERY_FIELDS,
  computeAppsArgs,
  gpuQueryArgs,
  normalizePciBusId,
  parseComputeApps,
  parseGpuLine,
  parseGpuQuery,
  parseNvidiaInformation,
} from './nvidia-smi.js';

const fixture = (name: string): string =>
  readFileSync(fileURLToPath(new URL(`../../testdata/nvidia-smi/${name}`, import.meta.url)), 'utf8');
const SRC = 'nvidia-smi --query-gpu';
const MIB = 1048576;

describe('query arguments', () => {
  test('GPU query asks for the parsed fields, csv without header and units', () =>
    assert.deepEqual(gpuQueryArgs(10000), [
      `--query-gpu=${GPU_QUERY_FIELDS.join(',')}`,
      '--format=csv,noheader,nounits',
      '--loop-ms=10000',
    ]));
  test('compute apps', () =>
    assert.deepEqual(computeAppsArgs(), [
      '--query-compute-apps=gpu_uuid,pid,used_memory',
      '--format=csv,noheader,nounits',
    ]));
});

describe('parseGpuQuery on captured output', () => {
  test('A100: base units, MIG GPU without utilization', () => {
    const gpus = parseGpuQuery(fixture('a100.csv'), SRC);
    assert.equal(gpus.length, 4);
    assert.deepEqual(gpus[0], {
      index: 0,
      uuid: 'GPU-1d5f7a3c-6a0e-2c41-8b4d-3e2f9c7a5b10',
      pciBusId: '0000:07:00.0',
      name: 'NVIDIA A100-SXM4-40GB',
      utilization: 0.98,
      memoryUsedBytes: 31245 * MIB,
      memoryTotalBytes: 40960 * MIB,
      powerWatts: 312.47,
    });
    assert.equal(gpus[3]?.utilization, undefined);
    assert.equal(gpus[3]?.powerWatts, 67.03);
  });
  test('H100: name with spaces, [N/A] power, [Not Supported] utilization', () => {
    const gpus = parseGpuQuery(fixture('h100.csv'), SRC);
    assert.equal(gpus.length, 8);
    assert.ok(gpus.every((g) => g.name === 'NVIDIA H100 80GB HBM3' && g.memoryTotalBytes === 81559 * MIB));
    assert.equal(gpus[6]?.powerWatts, undefined);
    assert.equal(gpus[7]?.utilization, undefined);
    assert.equal(gpus[5]?.pciBusId, '0000:bb:00.0');
  });
});

describe('parseGpuLine cases', () => {
  const ok: [string, string, Partial<ReturnType<typeof parseGpuLine>>][] = [
    [
      'units left in (no nounits)',
      '1, GPU-a1, 00000000:0F:00.0, Tesla T4, 45 %, 1024 MiB, 15360 MiB, 27.50 W',
      { utilization: 0.45, memoryUsedBytes: 1024 * MIB, powerWatts: 27.5 },
    ],
    [
      'comma inside the name joins back',
      '0, GPU-a1, 00000000:0F:00.0, Vendor X, rev 2, 0, 1, 2, 3.5',
      { name: 'Vendor X, rev 2', utilization: 0, powerWatts: 3.5 },
    ],
    ['plain N/A', '0, GPU-a1, 00000000:0F:00.0, T4, N/A, N/A, N/A, N/A', { name: 'T4' }],
    ['CRLF tolerated by parseGpuQuery', '0, GPU-a1, 00000000:0F:00.0, T4, 1, 2, 3, 4', { powerWatts: 4 }],
  ];
  for (const [name, line, want] of ok) {
    test(name, () => {
      const got = parseGpuQuery(`${line}\r\n`, SRC)[0];
      for (const [k, v] of Object.entries(want)) assert.deepEqual(got?.[k as keyof typeof got], v, k);
    });
  }
  const bad: [string, string, RegExp][] = [
    ['too few fields (truncated)', '0, GPU-a1, 00000000:0F:00.0, T4', /expected 8 fields, got 4/],
    ['error text instead of CSV', 'Unable to determine the device handle for GPU0000:4E:00.0: Unknown Error', /fields/],
    ['index missing', '[N/A], GPU-a1, 00000000:0F:00.0, T4, 1, 2, 3, 4', /index/],
    ['uuid not a UUID', '0, 42, 00000000:0F:00.0, T4, 1, 2, 3, 4', /uuid/],
    ['bus id garbage', '0, GPU-a1, 0F:00, T4, 1, 2, 3, 4', /pci.bus_id/],
    ['utilization garbage', '0, GPU-a1, 00000000:0F:00.0, T4, lots, 2, 3, 4', /utilization.gpu/],
    ['binary junk', '\u0001\u0002garbage', /fields/],
  ];
  for (const [name, line, re] of bad) {
    test(`malformed: ${name}`, () =>
      assert.throws(
        () => parseGpuLine(line, SRC),
        (e: unknown) => e instanceof ParseError && re.test(e.message),
      ));
  }
});

describe('parseComputeApps', () => {
  test('A100 capture: MIG process without memory', () => {
    const apps = parseComputeApps(fixture('a100-apps.csv'), 'apps');
    assert.deepEqual(apps[0], {
      gpuUuid: 'GPU-1d5f7a3c-6a0e-2c41-8b4d-3e2f9c7a5b10',
      pid: 7201,
      usedMemoryBytes: 31242 * MIB,
    });
    assert.deepEqual(apps[2], { gpuUuid: 'GPU-e9c9aa65-bff3-405a-ab7c-dc879cc88169', pid: 7301 });
  });
  test('no process: empty output', () => assert.deepEqual(parseComputeApps(fixture('empty-apps.csv'), 'apps'), []));
  test('malformed: pid not a number', () => assert.throws(() => parseComputeApps('GPU-a1, abc, 12\n', 'apps'), /pid/));
  test('malformed: truncated row', () => assert.throws(() => parseComputeApps('GPU-a1, 12\n', 'apps'), ParseError));
});

describe('PCI ids and the driver information file', () => {
  const cases: [string, string | undefined][] = [
    ['00000000:07:00.0', '0000:07:00.0'],
    ['0000:4E:00.0', '0000:4e:00.0'],
    ['00009D3B:AB:0F.7', '9d3b:ab:0f.7'],
    ['07:00.0', undefined],
    ['00000000:07:00.9', undefined],
  ];
  for (const [id, want] of cases) test(`bus id ${id}`, () => assert.equal(normalizePciBusId(id), want));
  test('information file (nv-procfs.c layout)', () =>
    assert.deepEqual(
      parseNvidiaInformation(
        'Model: \t\t NVIDIA A100-SXM4-40GB\nGPU UUID: \t GPU-x1\nBus Location: \t 0000:07:00.0\nDevice Minor: \t 2\nGPU Excluded:\t No\n',
        'info',
      ),
      { minor: 2, pciBusId: '0000:07:00.0', uuid: 'GPU-x1', model: 'NVIDIA A100-SXM4-40GB' },
    ));
  test('malformed: no Device Minor', () =>
    assert.throws(() => parseNvidiaInformation('Model: \t\t X\n', 'info'), /Device Minor/));
  test('malformed: minor not a number', () =>
    assert.throws(() => parseNvidiaInformation('Device Minor: \t none\n', 'info'), ParseError));
});
