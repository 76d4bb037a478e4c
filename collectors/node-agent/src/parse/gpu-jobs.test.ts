import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ParseError } from '@slurmscope/common';
import {
  assignGpus,
  attachMinors,
  environValue,
  gpusFromEnviron,
  parseGpuIdList,
  parseJobGpuRecord,
  parseProcCgroup,
} from './gpu-jobs.js';
import type { GpuReading } from './nvidia-smi.js';

describe('parseProcCgroup', () => {
  const cases: [string, string, ReturnType<typeof parseProcCgroup>][] = [
    [
      'v2 task',
      '0::/system.slice/slurmstepd.scope/job_1392969/step_0/user/task_0\n',
      { kind: 'jobid', jobid: '1392969' },
    ],
    [
      'v2 node-named scope',
      '0::/system.slice/n1_slurmstepd.scope/job_501/step_batch/user/task_0\n',
      { kind: 'jobid', jobid: '501' },
    ],
    ['v2 stepd infra (not a job)', '0::/system.slice/slurmstepd.scope/system\n', undefined],
    [
      'v1 plain tree',
      '10:devices:/slurm/uid_2101171/job_280678/step_interactive/task_0\n',
      { kind: 'jobid', jobid: '280678' },
    ],
    [
      'v1 hybrid, job on a later line',
      '12:pids:/system.slice/slurmd.service\n3:cpu,cpuacct:/slurm_n1/uid_1000/job_504/step_0/task_0\n0::/system.slice/slurmd.service\n',
      { kind: 'jobid', jobid: '504' },
    ],
    [
      'SLUID folder',
      '0::/system.slice/slurmstepd.scope/job_s1A2B3C4D5E6F7/step_0/user/task_0\n',
      { kind: 'sluid', sluid: 's1A2B3C4D5E6F7' },
    ],
    ['user session', '0::/user.slice/user-1000.slice/session-3.scope\n', undefined],
    ['look-alike outside Slurm', '0::/docker/job_42/x\n', undefined],
    ['empty (kernel thread / gone)', '', undefined],
  ];
  for (const [name, text, want] of cases) test(name, () => assert.deepEqual(parseProcCgroup(text), want));
});

describe('environment', () => {
  const env = 'PATH=/bin\0SLURM_JOB_GPUS=0,1\0CUDA_VISIBLE_DEVICES=0,1\0';
  test('value', () => assert.equal(environValue(env, 'SLURM_JOB_GPUS'), '0,1'));
  test('prefix of another name does not match', () =>
    assert.equal(environValue('SLURM_JOB_GPUS_X=1\0', 'SLURM_JOB_GPUS'), undefined));
  test('gpus from SLURM_JOB_GPUS, never CUDA_VISIBLE_DEVICES', () =>
    assert.deepEqual(gpusFromEnviron('CUDA_VISIBLE_DEVICES=0\0SLURM_JOB_GPUS=3\0', 'e'), [3]));
  test('falls back to SLURM_STEP_GPUS', () => assert.deepEqual(gpusFromEnviron('SLURM_STEP_GPUS=2,5\0', 'e'), [2, 5]));
  test('no GPU variable', () => assert.equal(gpusFromEnviron('PATH=/bin\0', 'e'), undefined));
  const lists: [string, number[]][] = [
    ['0,1', [0, 1]],
    ['4-7', [4, 5, 6, 7]],
    ['', []],
    ['N/A', []],
  ];
  for (const [text, want] of lists) test(`gpu list "${text}"`, () => assert.deepEqual(parseGpuIdList(text, 'e'), want));
  test('malformed gpu list', () => assert.throws(() => parseGpuIdList('gpu0', 'e'), ParseError));
});

describe('prolog record', () => {
  test('valid', () =>
    assert.deepEqual(parseJobGpuRecord('{"jobid":"42","gpus":[0,3]}', 'r'), { jobid: '42', gpus: [0, 3] }));
  const bad: [string, string][] = [
    ['truncated JSON', '{"jobid":"42","gp'],
    ['numeric jobid', '{"jobid":42,"gpus":[0]}'],
    ['gpus not a list', '{"jobid":"42","gpus":"0,1"}'],
    ['negative gpu', '{"jobid":"42","gpus":[-1]}'],
    ['null', 'null'],
  ];
  for (const [name, text] of bad)
    test(`malformed: ${name}`, () => assert.throws(() => parseJobGpuRecord(text, 'r'), ParseError));
});

const gpu = (index: number, uuid: string, bus: string): GpuReading => ({ index, uuid, pciBusId: bus, name: 'X' });
const GPUS = [gpu(0, 'GPU-a', '0000:07:00.0'), gpu(1, 'GPU-b', '0000:0f:00.0'), gpu(2, 'GPU-c', '0000:47:00.0')];

describe('attachMinors', () => {
  test('by PCI address, then by UUID; minors differ from indexes', () => {
    const got = attachMinors(GPUS, [
      { minor: 2, pciBusId: '0000:07:00.0' },
      { minor: 0, uuid: 'GPU-b' },
    ]);
    assert.deepEqual(
      got.map((g) => g.minor),
      [2, 0, undefined],
    );
  });
});

describe('assignGpus', () => {
  const gpus = attachMinors(GPUS, [
    { minor: 2, pciBusId: '0000:07:00.0' },
    { minor: 0, pciBusId: '0000:0f:00.0' },
    { minor: 1, pciBusId: '0000:47:00.0' },
  ]);
  test('idle allocated GPU is attributed by minor, not by index', () => {
    const a = assignGpus({ gpus, apps: [], pidJobs: new Map(), allocations: new Map([['7', [0]]]) });
    assert.deepEqual(
      a.map((x) => x.jobids),
      [[], ['7'], []],
    );
    assert.deepEqual(a[1]?.runningJobids, []);
  });
  test('process-only job, non-job process ignored, shared GPU flagged', () => {
    const a = assignGpus({
      gpus,
      apps: [
        { gpuUuid: 'GPU-a', pid: 10 },
        { gpuUuid: 'GPU-c', pid: 11 },
        { gpuUuid: 'GPU-c', pid: 99 },
      ],
      pidJobs: new Map([
        [10, '8'],
        [11, '9'],
      ]),
      allocations: new Map([['10', [1]]]),
    });
    assert.deepEqual(
      a.map((x) => [x.jobids, x.shared, x.runningJobids]),
      [
        [['8'], false, ['8']],
        [[], false, []],
        [['9', '10'], true, ['9']],
      ],
    );
  });
  test('allocation naming a minor no GPU has is ignored', () => {
    const a = assignGpus({ gpus, apps: [], pidJobs: new Map(), allocations: new Map([['7', [5]]]) });
    assert.ok(a.every((x) => x.jobids.length === 0));
  });
});
