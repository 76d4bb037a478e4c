import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ParseError } from '@slurmscope/common';
import { assignGpus, attachMinors } from '../parse/gpu-jobs.js';
import { parseComputeApps, parseGpuQuery } from '../parse/nvidia-smi.js';
import { readNvidiaGpuInfo } from './gpu-query.js';
import { readEnvironGpus, readGpuAllocations, readJobGpuRecords, readPidJob, readPidJobs } from './gpu-jobs.js';

const testdata = (name: string): string => fileURLToPath(new URL(`../../testdata/${name}`, import.meta.url));
const ROOT = testdata('root-gpu');
const STATE = join(ROOT, 'var/lib/slurmscope');

describe('process → job', () => {
  const cases: [string, number, ReturnType<typeof readPidJob>][] = [
    ['v2 task', 7101, { kind: 'jobid', jobid: '500' }],
    ['v2 node-named scope', 7201, { kind: 'jobid', jobid: '501' }],
    ['v1 hybrid', 7401, { kind: 'jobid', jobid: '504' }],
    ['user session', 7301, undefined],
    ['process gone', 999999, undefined],
  ];
  for (const [name, pid, want] of cases) test(name, () => assert.deepEqual(readPidJob(ROOT, pid), want));
  test('readPidJobs keeps only job processes', () =>
    assert.deepEqual(
      [...readPidJobs(ROOT, [7101, 7201, 7301, 999999])],
      [
        [7101, '500'],
        [7201, '501'],
      ],
    ));
});

describe('allocations', () => {
  test('first process with SLURM_JOB_GPUS wins (stepd without it is skipped)', () =>
    assert.deepEqual(readEnvironGpus(ROOT, [7102, 7101]), [0, 1]));
  test('no process has it', () => assert.equal(readEnvironGpus(ROOT, [7301, 999999]), undefined));
  test('prolog records', () =>
    assert.deepEqual(
      readJobGpuRecords(STATE).records.sort((a, b) => a.jobid.localeCompare(b.jobid)),
      [
        { jobid: '502', gpus: [3] },
        { jobid: '503', gpus: [1] },
      ],
    ));
  test('record first, environment else; jobs without either left out', () => {
    const { allocations, errors } = readGpuAllocations({
      root: ROOT,
      stateDir: STATE,
      jobs: [
        { jobid: '500', pids: [7102, 7101] },
        { jobid: '501', pids: [7201] },
        { jobid: '502', pids: [] },
        { jobid: '503', pids: [] },
        { jobid: '504', pids: [7401] },
      ],
    });
    assert.deepEqual(errors, []);
    assert.deepEqual(
      [...allocations],
      [
        ['500', [0, 1]],
        ['501', [2]],
        ['502', [3]],
        ['503', [1]],
      ],
    );
  });
  test('a malformed record fails that job only', () => {
    const dir = mkdtempSync(join(tmpdir(), 'state-'));
    try {
      mkdirSync(join(dir, 'jobs'));
      writeFileSync(join(dir, 'jobs/600.json'), '{"jobid":"600","gpus":[0');
      writeFileSync(join(dir, 'jobs/601.json'), '{"jobid":"601","gpus":[2]}');
      const r = readGpuAllocations({
        root: ROOT,
        stateDir: dir,
        jobs: [
          { jobid: '600', pids: [] },
          { jobid: '601', pids: [] },
        ],
      });
      assert.deepEqual([...r.allocations], [['601', [2]]]);
      assert.equal(r.errors.length, 1);
      assert.ok(r.errors[0] instanceof ParseError);
      assert.match((r.errors[0] as ParseError).source, /600\.json$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('end to end on the A100 node fixture', () => {
  test('busy, idle-but-held, shared and job-less GPUs', () => {
    const smi = (f: string): string => readFileSync(testdata(`nvidia-smi/${f}`), 'utf8');
    const gpus = attachMinors(parseGpuQuery(smi('a100.csv'), 'q'), readNvidiaGpuInfo(ROOT).infos);
    assert.deepEqual(
      gpus.map((g) => g.minor),
      [2, 3, 0, 1],
    );
    const apps = parseComputeApps(smi('a100-apps.csv'), 'a');
    const { allocations } = readGpuAllocations({
      root: ROOT,
      stateDir: STATE,
      jobs: [
        { jobid: '500', pids: [7101, 7102] },
        { jobid: '501', pids: [7201] },
        { jobid: '502', pids: [] },
        { jobid: '503', pids: [] },
      ],
    });
    const assigned = assignGpus({
      gpus,
      apps,
      pidJobs: readPidJobs(
        ROOT,
        apps.map((a) => a.pid),
      ),
      allocations,
    });
    assert.deepEqual(
      assigned.map((a) => [a.gpu.index, a.jobids, a.shared, a.runningJobids]),
      [
        [0, ['501'], false, ['501']], // busy, allocated minor 2
        [1, ['502'], false, []], // idle but held (prolog record, minor 3): still attributed
        [2, ['500'], false, ['500']], // minor 0
        [3, ['500', '503'], true, []], // minor 1: held by two jobs; a non-job process runs there
      ],
    );
  });
});
