// Synthetic input frames of the three panels (the contract's field names), shared by the browser
// tests and bench/grafana: small hand-made ones whose numbers the tests assert, and large seeded
// ones (2,000 nodes; 500 jobs × up to 64 nodes) for the speed targets.
import { NODE_STATES } from '@slurmscope/ctld';
import type { FrameSpec } from './panel-host.js';

/** A seeded pseudo-random generator (mulberry32): the same seed gives the same frames. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One availability row (a partition in one resource); `available` is left out of the frame. */
export interface AvailabilityRow {
  readonly partition: string;
  readonly resource: string;
  readonly idle: number;
  readonly allocated: number;
  readonly down: number;
  readonly drain: number;
  readonly preemptable: number;
  readonly total: number;
  readonly free_1h: number;
  readonly free_6h: number;
}

const row = (partition: string, resource: string, n: readonly number[]): AvailabilityRow => ({
  partition,
  resource,
  idle: n[0]!,
  allocated: n[1]!,
  down: n[2]!,
  drain: n[3]!,
  preemptable: n[4]!,
  total: n[0]! + n[1]! + n[2]! + n[3]!,
  free_1h: n[5]!,
  free_6h: n[6]!,
});

/**
 * Three partitions (batch, gpu with a100 and h100 GPUs, scavenger) in nodes, CPUs, memory and
 * GPUs; numbers: idle, allocated, down, drain, preemptable, free within 1 h, within 6 h.
 */
export const AVAILABILITY_ROWS: readonly AvailabilityRow[] = [
  row('batch', 'nodes', [310, 1450, 25, 15, 0, 40, 260]),
  row('batch', 'cpus', [21504, 92160, 1600, 960, 3072, 2560, 16640]),
  row('batch', 'memory_bytes', [4.2e14, 9.1e14, 3.1e13, 1.9e13, 6e13, 5e13, 3e14]),
  row('gpu', 'nodes', [12, 180, 6, 2, 0, 4, 30]),
  row('gpu', 'cpus', [768, 11520, 384, 128, 1024, 256, 1920]),
  row('gpu', 'memory_bytes', [1.2e13, 1.8e14, 6e12, 2e12, 1.6e13, 4e12, 3e13]),
  row('gpu', 'gpus', [12, 764, 16, 8, 40, 16, 120]),
  row('gpu', 'gpus:a100', [8, 380, 8, 4, 24, 8, 60]),
  row('gpu', 'gpus:h100', [4, 384, 8, 4, 16, 8, 60]),
  row('scavenger', 'nodes', [322, 1630, 31, 17, 0, 44, 290]),
  row('scavenger', 'cpus', [22272, 103680, 1984, 1088, 0, 2816, 18560]),
  row('scavenger', 'memory_bytes', [4.3e14, 1.09e15, 3.7e13, 2.1e13, 0, 5.4e13, 3.3e14]),
  row('scavenger', 'gpus', [12, 764, 16, 8, 0, 16, 120]),
];

const NUMBER_KEYS = ['idle', 'allocated', 'down', 'drain', 'preemptable', 'total', 'free_1h', 'free_6h'] as const;

/** The availability frame of `rows` (one row per partition and resource; no `available` field). */
export function availabilityFrame(rows: readonly AvailabilityRow[] = AVAILABILITY_ROWS): FrameSpec {
  return {
    name: 'availability',
    fields: [
      { name: 'partition', type: 'string', values: rows.map((r) => r.partition) },
      { name: 'resource', type: 'string', values: rows.map((r) => r.resource) },
      ...NUMBER_KEYS.map((k) => ({ name: k, type: 'number' as const, values: rows.map((r) => r[k]) })),
    ],
  };
}

/**
 * The grid frame of `count` nodes: c0001… in batch and scavenger, the last tenth g001… in gpu
 * and scavenger; states drawn with `seed` (mostly allocated and mixed, as on a busy cluster).
 */
export function nodeGridFrame(count = 2000, seed = 11): FrameSpec {
  const rnd = seededRandom(seed);
  const gpuNodes = Math.floor(count / 10);
  const nodes: string[] = [];
  const states: string[] = [];
  const partitions: string[] = [];
  for (let i = 0; i < count; i++) {
    const gpu = i >= count - gpuNodes;
    nodes.push(gpu ? `g${String(i - (count - gpuNodes) + 1).padStart(3, '0')}` : `c${String(i + 1).padStart(4, '0')}`);
    const r = rnd();
    states.push(
      r < 0.45 ? 'allocated' : r < 0.8 ? 'mixed' : r < 0.95 ? 'idle' : NODE_STATES[3 + Math.floor(rnd() * 6)]!,
    );
    partitions.push(gpu ? 'gpu,scavenger' : 'batch,scavenger');
  }
  return {
    name: 'nodes',
    fields: [
      { name: 'node', type: 'string', values: nodes },
      { name: 'state', type: 'string', values: states },
      { name: 'partition', type: 'string', values: partitions },
    ],
  };
}

/** One job on its nodes, with CPU utilization (0..1) per node. */
export interface SyntheticJob {
  readonly jobid: string;
  readonly user: string;
  readonly nodes: ReadonlyArray<readonly [node: string, cpu: number]>;
}

/** Job 42 uneven on 4 nodes, job 43 idle on 2, job 44 on one node (the tests' cases). */
export const WEBJOBS: readonly SyntheticJob[] = [
  {
    jobid: '42',
    user: 'alice',
    nodes: [
      ['node-a', 0.35],
      ['node-b', 0.98],
      ['node-c', 0.97],
      ['node-d', 0.03],
    ],
  },
  {
    jobid: '43',
    user: 'bob',
    nodes: [
      ['node-e', 0.01],
      ['node-f', 0.02],
    ],
  },
  { jobid: '44', user: 'carol', nodes: [['node-g', 0.8]] },
];

/** The webjobs frame: one row per job and node (`jobid`, `node`, `cpu_util`, `user`, `mem_used_bytes`). */
export function webjobsFrame(jobs: readonly SyntheticJob[] = WEBJOBS): FrameSpec {
  const rows = jobs.flatMap((j) => j.nodes.map(([node, cpu], i) => ({ j, node, cpu, mem: (i + 1) * 2 ** 30 })));
  return {
    name: 'webjobs',
    fields: [
      { name: 'jobid', type: 'string', values: rows.map((r) => r.j.jobid) },
      { name: 'node', type: 'string', values: rows.map((r) => r.node) },
      { name: 'cpu_util', type: 'number', values: rows.map((r) => r.cpu) },
      { name: 'user', type: 'string', values: rows.map((r) => r.j.user) },
      { name: 'mem_used_bytes', type: 'number', values: rows.map((r) => r.mem) },
    ],
  };
}

/** The findings frame (`jobid`, `kind`; no `node`). */
export function findingsFrame(findings: ReadonlyArray<readonly [jobid: string, kind: string]>): FrameSpec {
  return {
    name: 'findings',
    fields: [
      { name: 'jobid', type: 'string', values: findings.map((f) => f[0]) },
      { name: 'kind', type: 'string', values: findings.map((f) => f[1]) },
    ],
  };
}

/** `count` jobs of 1..`maxNodes` nodes each (uniform, seeded) on a 2,000-node cluster. */
export function manyJobs(count = 500, maxNodes = 64, seed = 7): SyntheticJob[] {
  const rnd = seededRandom(seed);
  const jobs: SyntheticJob[] = [];
  for (let j = 0; j < count; j++) {
    const n = 1 + Math.floor(rnd() * maxNodes);
    const first = Math.floor(rnd() * (2000 - n));
    const base = rnd();
    const nodes = Array.from({ length: n }, (_, i): [string, number] => [
      `c${String(first + i + 1).padStart(4, '0')}`,
      Math.min(1, Math.max(0, base + (rnd() - 0.5) * 0.6)),
    ]);
    jobs.push({ jobid: String(100000 + j), user: `user${j % 37}`, nodes });
  }
  return jobs;
}

/** One finished job's energy: `energy_joules` and `co2_grams` (the co2 panel's rows). */
export interface Co2Row {
  readonly jobid: string;
  readonly energy_joules: number;
  readonly co2_grams: number;
}

/** Twelve jobs of 1..12 kWh at 350 g CO2e per kWh (total 78 kWh, 27.3 kg). */
export const CO2_ROWS: readonly Co2Row[] = Array.from({ length: 12 }, (_, i) => ({
  jobid: String(201 + i),
  energy_joules: (i + 1) * 3.6e6,
  co2_grams: (i + 1) * 350,
}));

/** The co2 frame (`jobid`, `energy_joules`, `co2_grams`). */
export function co2Frame(rows: readonly Co2Row[] = CO2_ROWS): FrameSpec {
  return {
    name: 'co2',
    fields: [
      { name: 'jobid', type: 'string', values: rows.map((r) => r.jobid) },
      { name: 'energy_joules', type: 'number', values: rows.map((r) => r.energy_joules) },
      { name: 'co2_grams', type: 'number', values: rows.map((r) => r.co2_grams) },
    ],
  };
}

/** `frame` without the field `name` (the "missing field" cases). */
export function withoutField(frame: FrameSpec, name: string): FrameSpec {
  return { ...frame, fields: frame.fields.filter((f) => f.name !== name) };
}
