import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeAvailability, type Availability, type PartitionAvailability } from './availability.js';
import { availabilityFamilies } from './availability-families.js';
import { buildPollResult } from './slurm/snapshot.js';
import { slurmFixture } from './slurm/parse/fixtures.js';
import type { JobInfo, NodeInfo, PartitionInfo } from './slurm/types.js';

const GiB = 1024 ** 3;
const NOW = 1_000_000_000_000;
const MIN = 60_000;
const NONE = { type: 'preempt/none', mode: 'OFF', exemptTimeSeconds: 0 };

/** A node with 8 CPUs, 32 GiB and 2 a100, allocated as its jobs say. */
function node(name: string, o: Partial<NodeInfo> = {}): NodeInfo {
  return {
    name,
    state: 'MIXED',
    flags: [],
    partitions: [],
    cpus: 8,
    allocCpus: 4,
    memoryBytes: 32 * GiB,
    allocMemoryBytes: 8 * GiB,
    gres: [{ name: 'gpu', type: 'a100', count: 2 }],
    gresUsed: [{ name: 'gpu', type: 'a100', count: 1 }],
    ...o,
  };
}
function part(name: string, nodes: string[], state = 'UP'): PartitionInfo {
  return { name, state, nodes, priorityTier: 1, preemptMode: 'OFF', isDefault: false };
}
/** A running job of 4 CPUs, 8 GiB and 1 a100 ending `endsInMin` from now (undefined: UNLIMITED). */
function job(jobid: string, nodes: string[], endsInMin: number | undefined, o: Partial<JobInfo> = {}): JobInfo {
  return {
    jobid,
    displayId: jobid,
    user: 'u',
    account: 'a',
    partition: 'p',
    state: 'RUNNING',
    nodes,
    cpus: 4,
    memoryBytes: 8 * GiB,
    gpus: 1,
    gpusByType: { a100: 1 },
    startTimeMs: NOW - 60 * MIN,
    ...(endsInMin === undefined ? {} : { endTimeMs: NOW + endsInMin * MIN, timeLimitSeconds: 60 * (60 + endsInMin) }),
    ...o,
  };
}
function run(
  nodes: NodeInfo[],
  jobs: JobInfo[],
  partitions = [
    part(
      'p',
      nodes.map((n) => n.name),
    ),
  ],
): Availability {
  return computeAvailability({ nodes, partitions, jobs, preempt: NONE, nowMs: NOW });
}
function one(a: Availability, name = 'p'): PartitionAvailability {
  const p = a.partitions.find((x) => x.partition === name);
  assert.ok(p, name);
  return p;
}
/** [1h, 6h] of CPUs, memory (GiB), GPUs, nodes. */
function windows(p: PartitionAvailability): Record<string, [number, number]> {
  const w = (f: { '1h': number; '6h': number }, unit = 1): [number, number] => [f['1h'] / unit, f['6h'] / unit];
  return {
    cpus: w(p.cpus.freeWithin),
    memGiB: w(p.memoryBytes.freeWithin, GiB),
    gpus: w(p.gpus.freeWithin),
    nodes: w(p.nodesFreeWithin),
  };
}

test('freeWithin: named cases', () => {
  const cases: Array<{ name: string; nodes: NodeInfo[]; jobs: JobInfo[]; want: Record<string, [number, number]> }> = [
    {
      name: 'a job ending in 30 min: within 1 h and 6 h, its node freed',
      nodes: [node('n1')],
      jobs: [job('1', ['n1'], 30)],
      want: { cpus: [4, 4], memGiB: [8, 8], gpus: [1, 1], nodes: [1, 1] },
    },
    {
      name: 'a job ending in 3 h: within 6 h only',
      nodes: [node('n1')],
      jobs: [job('1', ['n1'], 180)],
      want: { cpus: [0, 4], memGiB: [0, 8], gpus: [0, 1], nodes: [0, 1] },
    },
    {
      name: 'a job ending in 7 h: neither',
      nodes: [node('n1')],
      jobs: [job('1', ['n1'], 420)],
      want: { cpus: [0, 0], memGiB: [0, 0], gpus: [0, 0], nodes: [0, 0] },
    },
    {
      name: 'an UNLIMITED job (no end time) never frees, and keeps its node',
      nodes: [node('n1')],
      jobs: [job('1', ['n1'], undefined)],
      want: { cpus: [0, 0], memGiB: [0, 0], gpus: [0, 0], nodes: [0, 0] },
    },
    {
      name: 'a job past its end time (OverTimeLimit) frees within 1 h',
      nodes: [node('n1')],
      jobs: [job('1', ['n1'], -2)],
      want: { cpus: [4, 4], memGiB: [8, 8], gpus: [1, 1], nodes: [1, 1] },
    },
    {
      name: 'a draining node frees nothing usable',
      nodes: [node('n1', { flags: ['DRAIN'] })],
      jobs: [job('1', ['n1'], 30)],
      want: { cpus: [0, 0], memGiB: [0, 0], gpus: [0, 0], nodes: [0, 0] },
    },
    {
      name: 'a node is freed only when all its jobs end: 30 min + 3 h',
      nodes: [node('n1', { state: 'ALLOCATED', allocCpus: 8, allocMemoryBytes: 16 * GiB, gresUsed: [gpu('a100', 2)] })],
      jobs: [job('1', ['n1'], 30), job('2', ['n1'], 180)],
      want: { cpus: [4, 8], memGiB: [8, 16], gpus: [1, 2], nodes: [0, 1] },
    },
    {
      name: 'a node is freed only when all its jobs end: 30 min + UNLIMITED',
      nodes: [node('n1', { state: 'ALLOCATED', allocCpus: 8, allocMemoryBytes: 16 * GiB, gresUsed: [gpu('a100', 2)] })],
      jobs: [job('1', ['n1'], 30), job('2', ['n1'], undefined)],
      want: { cpus: [4, 4], memGiB: [8, 8], gpus: [1, 1], nodes: [0, 0] },
    },
    {
      name: 'a completing job does not keep its node from freeing, and frees nothing itself',
      nodes: [node('n1', { state: 'ALLOCATED', allocCpus: 8, allocMemoryBytes: 16 * GiB, gresUsed: [gpu('a100', 2)] })],
      jobs: [job('1', ['n1'], 30), job('2', ['n1'], -5, { state: 'COMPLETING' })],
      want: { cpus: [4, 4], memGiB: [8, 8], gpus: [1, 1], nodes: [1, 1] },
    },
    {
      name: "a two-node job: its share of each of the partition's nodes",
      nodes: [node('n1', { allocCpus: 3 }), node('n2', { allocCpus: 2 })],
      jobs: [job('1', ['n1', 'n2', 'n9'], 30, { cpus: 7, memoryBytes: 3 * GiB, gpus: 3, gpusByType: { a100: 3 } })],
      // CPUs 3 + 2 (7 over 3 nodes: 3, 2, 2), memory 1 + 1 GiB, GPUs 1 + 1; n9 is not in the partition.
      want: { cpus: [5, 5], memGiB: [2, 2], gpus: [2, 2], nodes: [2, 2] },
    },
    {
      name: 'capped by what is allocated on the node (a job bigger than the node says it holds)',
      nodes: [node('n1', { allocCpus: 2, allocMemoryBytes: 1 * GiB, gresUsed: [] })],
      jobs: [job('1', ['n1'], 30)],
      want: { cpus: [2, 2], memGiB: [1, 1], gpus: [0, 0], nodes: [1, 1] },
    },
  ];
  for (const c of cases) assert.deepEqual(windows(one(run(c.nodes, c.jobs))), c.want, c.name);
});

function gpu(type: string, count: number): { name: string; type: string; count: number } {
  return { name: 'gpu', type, count };
}

test('freeWithin: two partitions sharing a node both count it', () => {
  const a = run(
    [node('n1'), node('n2', { allocCpus: 0, state: 'IDLE', gresUsed: [] })],
    [job('1', ['n1'], 30)],
    [part('a', ['n1', 'n2']), part('b', ['n1'])],
  );
  for (const name of ['a', 'b']) {
    assert.deepEqual(windows(one(a, name)), { cpus: [4, 4], memGiB: [8, 8], gpus: [1, 1], nodes: [1, 1] }, name);
  }
});

test('freeWithin: a partition that is not UP frees nothing; an UP one sharing the node does', () => {
  const a = run([node('n1')], [job('1', ['n1'], 30)], [part('down', ['n1'], 'DOWN'), part('up', ['n1'])]);
  assert.deepEqual(windows(one(a, 'down')), { cpus: [0, 0], memGiB: [0, 0], gpus: [0, 0], nodes: [0, 0] });
  assert.deepEqual(one(a, 'down').gpusByType['a100']?.freeWithin, { '1h': 0, '6h': 0 });
  assert.deepEqual(windows(one(a, 'up')).cpus, [4, 4]);
});

test('freeWithin: typed GPUs, per type; an untyped request fills the node types in use', () => {
  const mixedGpus = node('n1', {
    gres: [gpu('a100', 2), gpu('h100', 4)],
    gresUsed: [gpu('a100', 2), gpu('h100', 1)],
  });
  const a = run(
    [mixedGpus],
    [
      job('1', ['n1'], 30, { gpus: 1, gpusByType: { h100: 1 } }),
      job('2', ['n1'], 180, { gpus: 1, gpusByType: { a100: 1 } }),
      // `--gres=gpu:1` read from the request: no type; slurmctld gave it one of the node's GPUs.
      job('3', ['n1'], 240, { gpus: 1, gpusByType: { '': 1 } }),
    ],
  );
  const p = one(a);
  assert.deepEqual(p.gpusByType['h100']?.freeWithin, { '1h': 1, '6h': 1 });
  assert.deepEqual(p.gpusByType['a100']?.freeWithin, { '1h': 0, '6h': 2 });
  assert.equal(p.gpusByType[''], undefined, 'no untyped row on a node of typed GPUs');
  assert.deepEqual(p.gpus.freeWithin, { '1h': 1, '6h': 3 });
});

test('the per-node list: every node in Slurm order with its state and partitions', () => {
  const a = run(
    [node('n2', { flags: ['DRAIN'] }), node('n1'), node('lonely', { state: 'IDLE', allocCpus: 0 })],
    [],
    [part('a', ['n1', 'n2']), part('b', ['n2'])],
  );
  assert.deepEqual(a.nodes, [
    { node: 'n2', state: 'drain', partitions: ['a', 'b'] },
    { node: 'n1', state: 'mixed', partitions: ['a'] },
    { node: 'lonely', state: 'idle', partitions: [] },
  ]);
});

test('freeing families: nodes, CPUs, memory, GPUs and GPUs by type per partition and window', () => {
  const a = run([node('n1')], [job('1', ['n1'], 30)], [part('p', ['n1']), part('d', ['n1'], 'DOWN')]);
  const fams = availabilityFamilies(a);
  const value = (name: string, labels: Record<string, string>): number | undefined =>
    fams.find((f) => f.name === name)?.samples.find((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v))
      ?.value;
  const cases: Array<[string, Record<string, string>, number]> = [
    ['slurmscope_partition_freeing_nodes', { partition: 'p', within: '1h' }, 1],
    ['slurmscope_partition_freeing_cpus', { partition: 'p', within: '1h' }, 4],
    ['slurmscope_partition_freeing_cpus', { partition: 'p', within: '6h' }, 4],
    ['slurmscope_partition_freeing_cpus', { partition: 'd', within: '1h' }, 0],
    ['slurmscope_partition_freeing_memory_bytes', { partition: 'p', within: '6h' }, 8 * GiB],
    ['slurmscope_partition_freeing_gpus', { partition: 'p', within: '1h' }, 1],
    ['slurmscope_partition_freeing_gpus_by_type', { partition: 'p', gpu_type: 'a100', within: '6h' }, 1],
  ];
  for (const [name, labels, want] of cases)
    assert.equal(value(name, labels), want, `${name} ${JSON.stringify(labels)}`);
  const cpus = fams.find((f) => f.name === 'slurmscope_partition_freeing_cpus');
  assert.deepEqual(cpus?.labelNames, ['partition', 'within']);
  assert.equal(cpus?.samples.length, 4, 'two partitions × two windows');
});

test('real 22.05 capture: what frees within 1 h at 03:20', () => {
  const { availability } = buildPollResult({
    timestampMs: new Date('2026-11-25T03:20:00').getTime(),
    nodesJson: slurmFixture('22.05/sinfo.json'),
    jobs: slurmFixture('22.05/squeue-running.txt'),
    jobsFormat: 'squeue-text',
    partitions: slurmFixture('22.05/scontrol-partition.txt'),
    config: slurmFixture('22.05/scontrol-config.txt'),
  });
  // Only c1 is usable (c2 draining, c3 reserved): the GPU job ends 03:40 (1 CPU, 300M, 1 tesla);
  // the array tasks beside it run a day, so c1 is not freed. Jobs on c2/c3 end 04:10, on unusable nodes.
  for (const name of ['batch', 'scavenger']) {
    const p = one(availability, name);
    assert.deepEqual(
      [p.cpus.freeWithin, p.memoryBytes.freeWithin['1h'], p.gpusByType['tesla']?.freeWithin, p.nodesFreeWithin],
      [{ '1h': 1, '6h': 1 }, 300 * 1024 ** 2, { '1h': 1, '6h': 1 }, { '1h': 0, '6h': 0 }],
      name,
    );
  }
  assert.deepEqual(one(availability, 'maint').cpus.freeWithin, { '1h': 0, '6h': 0 }, 'INACTIVE partition');
  assert.deepEqual(
    availability.nodes.map((n) => `${n.node}:${n.state}:${n.partitions.join('+')}`),
    [
      'c1:mixed:batch+scavenger',
      'c2:drain:batch+scavenger',
      'c3:reserved:batch+scavenger+maint',
      'cghost01:down:batch',
      'cghost02:down:batch',
    ],
  );
});

test('freeWithin at 30,000 jobs on 2,000 nodes: one pass, well under a poll', () => {
  const nodes = Array.from({ length: 2000 }, (_, i) => node(`n${i}`, { allocCpus: 8, state: 'ALLOCATED' }));
  const jobs = Array.from({ length: 30_000 }, (_, i) =>
    job(String(i), [`n${i % 2000}`, `n${(i + 1) % 2000}`], (i % 600) - 60, { cpus: 2 }),
  );
  const partitions = Array.from({ length: 8 }, (_, k) =>
    part(
      `p${k}`,
      nodes.map((n) => n.name),
    ),
  );
  const t0 = performance.now();
  const a = run(nodes, jobs, partitions);
  const ms = performance.now() - t0;
  assert.ok(one(a, 'p0').cpus.freeWithin['6h'] > one(a, 'p0').cpus.freeWithin['1h']);
  // Linear: 30k jobs + 8 × 2,000 nodes. A quadratic pass (jobs × nodes) would take minutes.
  assert.ok(ms < 2000, `${ms.toFixed(0)} ms`);
});
