import { test } from 'node:test';
import assert from 'node:assert/strict';
import { availabilityFamilies } from './availability-families.js';
import { computeAvailability, nodeState, type PartitionAvailability } from './availability.js';
import type { JobInfo, NodeInfo, PartitionInfo, PreemptConfig } from './slurm/types.js';
import { buildPollResult } from './slurm/snapshot.js';
import { slurmFixture } from './slurm/parse/fixtures.js';

const GiB = 1024 ** 3;
const NOW = 1_000_000_000;
const PRIO: PreemptConfig = { type: 'preempt/partition_prio', mode: 'REQUEUE', exemptTimeSeconds: 0 };

function node(name: string, o: Partial<NodeInfo> = {}): NodeInfo {
  return {
    name,
    state: 'IDLE',
    flags: [],
    partitions: [],
    cpus: 8,
    allocCpus: 0,
    memoryBytes: 32 * GiB,
    allocMemoryBytes: 0,
    gres: [{ name: 'gpu', type: 'a100', count: 2 }],
    gresUsed: [],
    ...o,
  };
}
function part(name: string, tier: number, preemptMode: string, nodes: string[], state = 'UP'): PartitionInfo {
  return { name, state, nodes, priorityTier: tier, preemptMode, isDefault: false };
}
function job(jobid: string, partition: string, nodes: string[], o: Partial<JobInfo> = {}): JobInfo {
  return {
    jobid,
    displayId: jobid,
    user: 'u',
    account: 'a',
    partition,
    state: 'RUNNING',
    nodes,
    cpus: 4,
    memoryBytes: 8 * GiB,
    gpus: 1,
    gpusByType: { a100: 1 },
    startTimeMs: NOW - 3600_000,
    ...o,
  };
}
/** n1 holds one low-tier job (4 CPUs, 8 GiB, 1 GPU). */
const busy = node('n1', {
  state: 'MIXED',
  allocCpus: 4,
  allocMemoryBytes: 8 * GiB,
  gresUsed: [{ name: 'gpu', type: 'a100', count: 1 }],
});
const parts = (lowMode: string): PartitionInfo[] => [
  part('high', 10, 'OFF', ['n1', 'n2']),
  part('low', 1, lowMode, ['n1', 'n2']),
];

function one(p: readonly PartitionAvailability[], name: string): PartitionAvailability {
  const found = p.find((x) => x.partition === name);
  assert.ok(found, name);
  return found;
}

test('preemption rules (partition_prio), table-driven', () => {
  const cases: Array<{
    name: string;
    preempt?: PreemptConfig;
    lowMode?: string;
    jobs?: JobInfo[];
    highState?: string;
    n1?: NodeInfo;
    want: { cpus: number; mem: number; gpus: number; availCpus: number };
  }> = [
    { name: 'REQUEUE frees CPUs, memory and GPUs', want: { cpus: 4, mem: 8 * GiB, gpus: 1, availCpus: 16 } },
    { name: 'CANCEL frees all too', lowMode: 'CANCEL', want: { cpus: 4, mem: 8 * GiB, gpus: 1, availCpus: 16 } },
    { name: 'SUSPEND frees CPUs only', lowMode: 'GANG,SUSPEND', want: { cpus: 4, mem: 0, gpus: 0, availCpus: 16 } },
    { name: 'PreemptMode OFF protects', lowMode: 'OFF', want: { cpus: 0, mem: 0, gpus: 0, availCpus: 12 } },
    {
      name: 'preempt/none: nothing',
      preempt: { ...PRIO, type: 'preempt/none' },
      want: { cpus: 0, mem: 0, gpus: 0, availCpus: 12 },
    },
    {
      name: 'preempt/qos: not modelled, nothing',
      preempt: { ...PRIO, type: 'preempt/qos' },
      want: { cpus: 0, mem: 0, gpus: 0, availCpus: 12 },
    },
    {
      name: 'inside PreemptExemptTime: protected',
      preempt: { ...PRIO, exemptTimeSeconds: 7200 },
      want: { cpus: 0, mem: 0, gpus: 0, availCpus: 12 },
    },
    {
      name: 'past PreemptExemptTime: preemptable',
      preempt: { ...PRIO, exemptTimeSeconds: 600 },
      want: { cpus: 4, mem: 8 * GiB, gpus: 1, availCpus: 16 },
    },
    {
      name: 'a job of the same partition is never preemptable',
      jobs: [job('1', 'high', ['n1'])],
      want: { cpus: 0, mem: 0, gpus: 0, availCpus: 12 },
    },
    {
      name: 'completing jobs are not preemptable',
      jobs: [job('1', 'low', ['n1'], { state: 'COMPLETING' })],
      want: { cpus: 0, mem: 0, gpus: 0, availCpus: 12 },
    },
    {
      name: 'a job on a draining node frees nothing usable',
      n1: { ...busy, flags: ['DRAIN'] },
      want: { cpus: 0, mem: 0, gpus: 0, availCpus: 8 },
    },
    {
      name: 'a DOWN partition has nothing available',
      highState: 'DOWN',
      want: { cpus: 0, mem: 0, gpus: 0, availCpus: 0 },
    },
    {
      name: "two-node job: its share on the partition's nodes",
      jobs: [job('1', 'low', ['n1', 'n9'], { cpus: 8, memoryBytes: 16 * GiB, gpus: 2, gpusByType: { a100: 2 } })],
      want: { cpus: 4, mem: 8 * GiB, gpus: 1, availCpus: 16 },
    },
  ];
  for (const c of cases) {
    const partitions = parts(c.lowMode ?? 'REQUEUE').map((p) =>
      p.name === 'high' && c.highState ? { ...p, state: c.highState } : p,
    );
    const a = computeAvailability({
      nodes: [c.n1 ?? busy, node('n2')],
      partitions,
      jobs: c.jobs ?? [job('1', 'low', ['n1'])],
      preempt: c.preempt ?? PRIO,
      nowMs: NOW,
    });
    const high = one(a.partitions, 'high');
    assert.deepEqual(
      {
        cpus: high.cpus.preemptable,
        mem: high.memoryBytes.preemptable,
        gpus: high.gpus.preemptable,
        availCpus: high.cpus.available,
      },
      c.want,
      c.name,
    );
    const low = one(a.partitions, 'low');
    assert.equal(low.cpus.preemptable, 0, `${c.name}: the lowest tier preempts nobody`);
  }
});

test('nodeState: Slurm states and flags map to availability states', () => {
  const cases: Array<[string, Partial<NodeInfo>, string]> = [
    ['idle', {}, 'idle'],
    ['mixed', { state: 'MIXED', allocCpus: 2 }, 'mixed'],
    ['allocated', { state: 'ALLOCATED', allocCpus: 8 }, 'allocated'],
    ['down', { state: 'DOWN' }, 'down'],
    ['not responding', { flags: ['NOT_RESPONDING'] }, 'down'],
    ['fail', { state: 'MIXED', allocCpus: 2, flags: ['FAIL'] }, 'down'],
    ['future', { state: 'FUTURE' }, 'down'],
    ['drained', { flags: ['DRAIN'] }, 'drain'],
    ['draining (jobs left)', { state: 'MIXED', allocCpus: 2, flags: ['DRAIN'] }, 'drain'],
    ['reboot requested', { flags: ['REBOOT_REQUESTED'] }, 'drain'],
    ['powered down', { flags: ['POWERED_DOWN'] }, 'powered_down'],
    ['powering up', { flags: ['POWERING_UP'] }, 'powered_down'],
    ['reserved', { flags: ['RESERVED'] }, 'reserved'],
    ['maintenance', { state: 'ALLOCATED', allocCpus: 8, flags: ['MAINTENANCE', 'RESERVED'] }, 'reserved'],
    ['planned', { flags: ['PLANNED'] }, 'planned'],
    ['completing, nothing allocated', { flags: ['COMPLETING'] }, 'completing'],
    ['completing with another job', { state: 'MIXED', allocCpus: 2, flags: ['COMPLETING'] }, 'mixed'],
  ];
  for (const [name, o, want] of cases) assert.equal(nodeState(node('x', o)), want, name);
});

test('states split allocated from the rest; a node in two partitions counts in each', () => {
  const a = computeAvailability({
    nodes: [busy, node('n2', { flags: ['DRAIN'] }), node('n3', { state: 'DOWN' })],
    partitions: [part('high', 10, 'OFF', ['n1', 'n2', 'n3']), part('low', 1, 'REQUEUE', ['n1'])],
    jobs: [],
    preempt: PRIO,
    nowMs: NOW,
  });
  const high = one(a.partitions, 'high');
  assert.deepEqual([high.nodes.mixed, high.nodes.drain, high.nodes.down, high.nodes.idle], [1, 1, 1, 0]);
  assert.deepEqual(
    [
      high.cpus.byState.idle,
      high.cpus.byState.allocated,
      high.cpus.byState.drain,
      high.cpus.byState.down,
      high.cpus.total,
    ],
    [4, 4, 8, 8, 24],
  );
  assert.deepEqual([high.gpus.byState.idle, high.gpus.byState.allocated, high.gpus.byState.drain], [1, 1, 2]);
  assert.equal(high.gpusByType['a100']?.total, 6);
  const low = one(a.partitions, 'low');
  assert.deepEqual([low.nodes.mixed, low.cpus.byState.idle, low.cpus.byState.allocated], [1, 4, 4]);
});

test('availabilityFamilies: the exact names, every required state, no jobid label', () => {
  const a = computeAvailability({
    nodes: [busy, node('n2')],
    partitions: parts('REQUEUE'),
    jobs: [job('1', 'low', ['n1'])],
    preempt: PRIO,
    nowMs: NOW,
  });
  const fams = availabilityFamilies(a);
  const names = fams.map((f) => f.name);
  for (const n of [
    'slurmscope_partition_nodes',
    'slurmscope_partition_cpus',
    'slurmscope_partition_preemptable_cpus',
    'slurmscope_partition_available_cpus',
    'slurmscope_partition_gpus',
    'slurmscope_partition_preemptable_gpus',
    'slurmscope_partition_available_gpus',
    'slurmscope_partition_memory_bytes',
  ]) {
    assert.ok(names.includes(n), n);
  }
  const nodesFam = fams.find((f) => f.name === 'slurmscope_partition_nodes');
  const states = new Set(nodesFam?.samples.map((s) => s.labels['state']));
  for (const s of ['idle', 'mixed', 'allocated', 'down', 'drain']) assert.ok(states.has(s), s);
  const avail = fams.find((f) => f.name === 'slurmscope_partition_available_cpus');
  assert.deepEqual(avail?.samples.find((s) => s.labels['partition'] === 'high')?.value, 16);
  assert.ok(fams.every((f) => !f.labelNames.includes('jobid')));
});

test('real 22.05 capture: parse + availability end to end', () => {
  const dir = '22.05/';
  const { availability, snapshot } = buildPollResult({
    timestampMs: new Date('2026-11-25T03:20:00').getTime(),
    nodesJson: slurmFixture(`${dir}sinfo.json`),
    jobs: slurmFixture(`${dir}squeue-running.txt`),
    jobsFormat: 'squeue-text',
    partitions: slurmFixture(`${dir}scontrol-partition.txt`),
    config: slurmFixture(`${dir}scontrol-config.txt`),
    sdiag: slurmFixture(`${dir}sdiag.txt`),
  });
  assert.equal(snapshot.jobs.length, 6);
  const batch = one(availability.partitions, 'batch');
  // c1 mixed (1 idle CPU, 1 idle GPU), c2 draining, c3 reserved (maint), cghost01-02 down.
  assert.deepEqual([batch.nodes.mixed, batch.nodes.drain, batch.nodes.reserved, batch.nodes.down], [1, 1, 1, 2]);
  assert.equal(batch.cpus.byState.idle, 1);
  assert.equal(batch.cpus.byState.down, 128);
  // Scavenger jobs on c1 (3 CPUs, 1 GPU) are preemptable past the 2-minute exempt time; the one on draining c2 is not.
  assert.equal(batch.cpus.preemptable, 3);
  assert.equal(batch.gpus.preemptable, 1);
  assert.equal(batch.cpus.available, 4);
  assert.equal(one(availability.partitions, 'maint').cpus.available, 0, 'INACTIVE partition');
});

test('GPUs by type: sum by (state) equals the total; preemptable and available are families of their own', () => {
  const a = computeAvailability({
    nodes: [busy, node('n2')],
    partitions: parts('REQUEUE'),
    jobs: [job('1', 'low', ['n1'])],
    preempt: PRIO,
    nowMs: NOW,
  });
  const fams = availabilityFamilies(a);
  const samples = (name: string) => fams.find((f) => f.name === name)?.samples ?? [];
  const high = one(a.partitions, 'high').gpusByType['a100'];
  assert.deepEqual([high?.total, high?.preemptable, high?.available], [4, 1, 4]);
  const byState = samples('slurmscope_partition_gpus_by_type').filter(
    (s) => s.labels['partition'] === 'high' && s.labels['gpu_type'] === 'a100',
  );
  assert.equal(
    byState.reduce((sum, s) => sum + s.value, 0),
    high?.total,
    'sum by (state) of slurmscope_partition_gpus_by_type is the total',
  );
  const of = (name: string) =>
    samples(name).find((s) => s.labels['partition'] === 'high' && s.labels['gpu_type'] === 'a100');
  assert.deepEqual(of('slurmscope_partition_preemptable_gpus_by_type'), {
    labels: { partition: 'high', gpu_type: 'a100' },
    value: 1,
  });
  assert.deepEqual(of('slurmscope_partition_available_gpus_by_type'), {
    labels: { partition: 'high', gpu_type: 'a100' },
    value: 4,
  });
});
