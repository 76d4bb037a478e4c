import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SQUEUE_FIELDS, parseSqueue, squeueRunningArgs } from './squeue.js';
import { slurmFixture } from './fixtures.js';

const MiB = 1024 * 1024;

test('squeueRunningArgs: running and completing only, every field unpadded with a separator', () => {
  const args = squeueRunningArgs();
  assert.deepEqual(args.slice(0, 4), ['-h', '-t', 'RUNNING,COMPLETING', '-O']);
  assert.equal(args[4]?.split(',').length, SQUEUE_FIELDS.length);
  assert.match(args[4] ?? '', /^JobID:0\|,ArrayJobID:0\|/);
  assert.match(args[4] ?? '', /,TimeLimit:0\|,BatchHost:0\|,EndTime:0\|$/, 'a new field goes last');
});

test('parseSqueue: real 22.05 output (array, het, two-node and GPU jobs)', () => {
  const jobs = parseSqueue(slurmFixture('22.05/squeue-running.txt'));
  assert.equal(jobs.length, 6);
  const byId = new Map(jobs.map((j) => [j.jobid, j]));
  const two = byId.get('1');
  assert.deepEqual(two?.nodes, ['c2', 'c3']);
  assert.equal(two?.batchHost, 'c2');
  assert.equal(two?.cpus, 2);
  assert.equal(two?.memoryBytes, 1000 * MiB);
  assert.equal(two?.timeLimitSeconds, 3600);
  assert.equal(two?.startTimeMs, new Date('2026-11-25T03:10:04').getTime());
  assert.equal(two?.state, 'RUNNING');
  assert.equal(two?.uid, 0);
  assert.equal(byId.get('4')?.displayId, '4+0');
  assert.equal(byId.get('5')?.displayId, '4+1');
  assert.equal(byId.get('8')?.displayId, '3_1');
  assert.equal(byId.get('3')?.displayId, '3_2', 'the last array task keeps the array id as its job id');
  // tres-alloc lacks gres/gpu here (AccountingStorageTRES without it): tres-per-node gives it.
  assert.equal(byId.get('2')?.gpus, 1);
  assert.deepEqual(byId.get('2')?.gpusByType, { tesla: 1 });
  assert.equal(byId.get('8')?.timeLimitSeconds, 86400);
  // EndTime as Slurm keeps it: start + limit (30 min for the GPU job, 1 day for the array tasks).
  assert.equal(two?.endTimeMs, new Date('2026-11-25T04:10:04').getTime());
  assert.equal(byId.get('2')?.endTimeMs, new Date('2026-11-25T03:40:20').getTime());
  assert.equal(byId.get('8')?.endTimeMs, new Date('2026-11-26T03:10:20').getTime());
  assert.equal(byId.get('8')?.account, '');
  assert.deepEqual(
    jobs.map((j) => `${j.jobid}@${j.batchHost}`),
    ['1@c2', '4@c3', '2@c1', '8@c1', '3@c1', '5@c2'],
  );
});

const GOOD =
  '7|7|N/A|N/A|N/A|alice|1001|phys|gpu|normal|CG|1|g1|8|8|4G|cpu=8,mem=4G,node=1,gres/gpu=2,gres/gpu:h100=2|N/A|N/A|N/A|2025-01-01T00:00:00|UNLIMITED|g1|NONE|';

test('parseSqueue: completing job with TRES GPUs and unlimited time', () => {
  const [j] = parseSqueue(`${GOOD}\n\n`);
  assert.equal(j?.state, 'COMPLETING');
  assert.equal(j?.gpus, 2);
  assert.deepEqual(j?.gpusByType, { h100: 2 });
  assert.equal(j?.timeLimitSeconds, undefined);
  assert.equal(j?.endTimeMs, undefined, 'UNLIMITED: squeue prints NONE, no end');
  assert.equal(j?.qos, 'normal');
  assert.equal(j?.batchHost, 'g1');
});

test('parseSqueue: real 22.05 BatchHost (a two-node job on n1+n2; a held job prints "n/a")', () => {
  const jobs = parseSqueue(slurmFixture('22.05/squeue-batchhost.txt'));
  assert.deepEqual(
    jobs.map((j) => [j.jobid, j.state, j.nodes.join(' '), j.batchHost, j.endTimeMs]),
    [
      ['19', 'RUNNING', 'n1 n2', 'n1', new Date('2026-12-03T09:09:21').getTime()],
      ['20', 'PENDING', '', undefined, undefined],
    ],
  );
});

test('parseSqueue: BatchHost absent when squeue prints n/a, N/A or nothing', () => {
  for (const none of ['n/a', 'N/A', '']) {
    const [j] = parseSqueue(GOOD.replace(/g1\|NONE\|$/, `${none}|NONE|`));
    assert.equal(j?.batchHost, undefined, JSON.stringify(none));
    assert.equal(j?.jobid, '7');
  }
});

test('parseSqueue: EndTime, else start + limit; none for UNLIMITED', () => {
  const running = GOOD.replace('|CG|', '|R|');
  const at = (limit: string, end: string): number | undefined =>
    parseSqueue(running.replace(/UNLIMITED\|g1\|NONE\|$/, `${limit}|g1|${end}|`))[0]?.endTimeMs;
  const start = new Date('2025-01-01T00:00:00').getTime();
  const cases: Array<[string, string, string, number | undefined]> = [
    // slurmctld's own end time wins (e.g. a limit raised by scontrol update, or time suspended).
    ["Slurm's EndTime", '1:00:00', '2025-01-01T02:30:00', new Date('2025-01-01T02:30:00').getTime()],
    ['N/A: start + limit', '1:00:00', 'N/A', start + 3600_000],
    ['Unknown: start + limit', '30:00', 'Unknown', start + 1800_000],
    ['NONE with a limit: start + limit', '5:00', 'NONE', start + 300_000],
    ['garbage: start + limit', '5:00', 'soon', start + 300_000],
    ['UNLIMITED with a date: none', 'UNLIMITED', '2026-01-01T00:00:00', undefined],
    ['UNLIMITED, NONE: none', 'UNLIMITED', 'NONE', undefined],
  ];
  for (const [name, limit, end, want] of cases) assert.equal(at(limit, end), want, name);
  const noStart = running.replace('|2025-01-01T00:00:00|UNLIMITED|g1|NONE|', '|N/A|1:00:00|g1|N/A|');
  assert.equal(parseSqueue(noStart)[0]?.endTimeMs, undefined, 'neither end nor start: none');
});

test('parseSqueue: malformed lines are errors naming the line', () => {
  const fields = GOOD.split('|');
  const swap = (i: number, v: string): string => fields.map((f, k) => (k === i ? v : f)).join('|');
  const cases: Array<[string, string, RegExp]> = [
    ['too few fields', '7|7|N/A|', /expected 24 fields, got 3/],
    ['no trailing separator', GOOD.slice(0, -1), /expected 24 fields/],
    ['extra field', `${GOOD}x|`, /expected 24 fields, got 25/],
    ['job id not a number', swap(0, 'abc'), /job id is not a number/],
    ['cpus not a count', swap(13, '-1'), /NumCPUs is not a count/],
    ['bad node list', swap(12, 'g[1-'), /unclosed/],
  ];
  for (const [name, input, re] of cases) assert.throws(() => parseSqueue(input), re, name);
});
