// A synthetic Slurm cluster for the ctld benchmark: 2,000 nodes, 30,000 running jobs and any
// number of pending ones, deterministic (seeded), as plain data. shapes.mjs renders it in the
// output shapes of Slurm 22.05; reports.mjs turns it into the agents' node reports.

/** A small seeded PRNG (mulberry32): the same cluster on every run. */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pad = (n, w) => String(n).padStart(w, '0');
const MIB = 1024 * 1024;

/** Node names and hardware: c0001-c1800 (128 CPUs, 503 GiB), g001-g200 (64 CPUs, 1 TiB, 4 A100). */
function makeNodes(counts) {
  const nodes = [];
  for (let i = 1; i <= counts.cpuNodes; i++)
    nodes.push({ name: `c${pad(i, 4)}`, kind: 'cpu', cpus: 128, sockets: 2, memMiB: 515000, gpus: 0 });
  for (let i = 1; i <= counts.gpuNodes; i++)
    nodes.push({ name: `g${pad(i, 3)}`, kind: 'gpu', cpus: 64, sockets: 2, memMiB: 1031000, gpus: 4 });
  for (const n of nodes) Object.assign(n, { state: 'up', flags: [], allocCpus: 0, allocMiB: 0, gpuUsed: [], jobs: [] });
  return nodes;
}

/**
 * Marks a realistic share of nodes unavailable: down (not responding), drained, draining,
 * in a maintenance reservation, powered down. Spread over the cluster by the PRNG.
 */
function markStates(nodes, rnd) {
  const cpuNodes = nodes.filter((n) => n.kind === 'cpu');
  const pick = (count, apply) => {
    for (let k = 0; k < count;) {
      const n = cpuNodes[Math.floor(rnd() * cpuNodes.length)];
      if (n.state !== 'up') continue;
      apply(n);
      k++;
    }
  };
  pick(30, (n) => Object.assign(n, { state: 'down', flags: ['NOT_RESPONDING'], reason: 'Not responding' }));
  pick(20, (n) => Object.assign(n, { state: 'drain', flags: ['DRAIN'], reason: 'memory errors, ticket 4711' }));
  pick(8, (n) => Object.assign(n, { state: 'maint', flags: ['MAINTENANCE', 'RESERVED'] }));
  pick(12, (n) => Object.assign(n, { state: 'off', flags: ['POWERED_DOWN'] }));
  // Draining nodes still run their jobs: they take jobs below, then get the DRAIN flag.
  pick(10, (n) => Object.assign(n, { drainLater: true }));
  nodes
    .filter((n) => n.kind === 'gpu')
    .slice(0, 3)
    .forEach((n) => Object.assign(n, { state: 'down', flags: ['NOT_RESPONDING'] }));
}

/** Partitions as `scontrol show partition -o` will print them. */
function makePartitions(nodes) {
  const c = nodes.filter((n) => n.kind === 'cpu').map((n) => n.name);
  const g = nodes.filter((n) => n.kind === 'gpu').map((n) => n.name);
  return [
    { name: 'cpu', nodes: c, tier: 10, preempt: 'OFF', state: 'UP', isDefault: true, maxTime: '2-00:00:00' },
    { name: 'long', nodes: c.slice(0, 600), tier: 5, preempt: 'OFF', state: 'UP', maxTime: '7-00:00:00' },
    { name: 'gpu', nodes: g, tier: 10, preempt: 'OFF', state: 'UP', maxTime: '2-00:00:00' },
    { name: 'debug', nodes: c.slice(-10), tier: 20, preempt: 'OFF', state: 'UP', maxTime: '01:00:00' },
    { name: 'scavenger', nodes: [...c, ...g], tier: 1, preempt: 'REQUEUE', state: 'UP', maxTime: '1-00:00:00' },
    { name: 'maint', nodes: c, tier: 30, preempt: 'OFF', state: 'INACTIVE', maxTime: 'UNLIMITED' },
  ];
}

const SIZES = [1, 1, 1, 1, 2, 2, 2, 4, 4, 8, 16];

/**
 * Generates the cluster: nodes, partitions, `running` jobs placed first-fit on free CPUs
 * (multi-node jobs whole nodes, GPU jobs on GPU nodes), and `pending` jobs that hold nothing.
 */
export function generateCluster({
  running = 30_000,
  pending = 100_000,
  seed = 42,
  nowMs = Date.UTC(2026, 10, 25, 12),
} = {}) {
  const rnd = prng(seed);
  const nodes = makeNodes({ cpuNodes: 1800, gpuNodes: 200 });
  markStates(nodes, rnd);
  const partitions = makePartitions(nodes);
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const usable = (n) => n.state === 'up';
  const users = Array.from({ length: 400 }, (_, i) => ({
    name: `u${pad(i + 1, 4)}`,
    uid: 20001 + i,
    account: `grp${pad((i % 60) + 1, 2)}`,
  }));
  const jobs = [];
  let nextId = 4_000_001;
  const cursors = new Map();
  // First fit from a cursor that only moves forward: O(nodes + jobs) for the whole cluster.
  const findNode = (range, need, gpus) => {
    let i = cursors.get(range.key) ?? 0;
    for (; i < range.names.length; i++) {
      const n = byName.get(range.names[i]);
      if (usable(n) && n.cpus - n.allocCpus >= need && n.gpus - n.gpuUsed.length >= gpus) break;
    }
    cursors.set(range.key, i);
    return i < range.names.length ? byName.get(range.names[i]) : undefined;
  };
  const cpuNames = nodes.filter((n) => n.kind === 'cpu').map((n) => n.name);
  const ranges = {
    multi: { key: 'multi', names: cpuNames.slice(1200, 1790) },
    long: { key: 'long', names: cpuNames.slice(0, 600) },
    cpu: { key: 'cpu', names: cpuNames.slice(600, 1790) },
    debug: { key: 'debug', names: cpuNames.slice(1790) },
    gpu: { key: 'gpu', names: nodes.filter((n) => n.kind === 'gpu').map((n) => n.name) },
  };
  const newJob = (partition, placed, cpus, gpus, extra = {}) => {
    const user = users[Math.floor(rnd() * users.length)];
    const memMiB = cpus * (2048 + 2048 * Math.floor(rnd() * 3));
    const job = {
      jobid: String(nextId++),
      user: user.name,
      uid: user.uid,
      account: user.account,
      partition,
      state: 'R',
      nodes: placed.map((p) => p.node.name),
      perNodeCpus: placed.map((p) => p.cpus),
      cpus,
      memMiB,
      gpus,
      startMs: nowMs - Math.floor(rnd() * 36 * 3600_000) - 60_000,
      limit: partition === 'long' ? '7-00:00:00' : partition === 'debug' ? '1:00:00' : '1-00:00:00',
      ...extra,
    };
    placed.forEach((p) => {
      p.node.allocCpus += p.cpus;
      p.node.allocMiB += Math.round(memMiB / placed.length);
      for (let k = 0; k < (p.gpus ?? 0); k++) p.node.gpuUsed.push(job.jobid);
      p.node.jobs.push(job.jobid);
    });
    jobs.push(job);
    return job;
  };
  // 120 multi-node jobs (2-8 whole nodes), 700 GPU jobs, the rest single-node CPU jobs.
  for (let k = 0; k < 120 && jobs.length < running; k++) {
    const count = 2 + Math.floor(rnd() * 7);
    const placed = [];
    for (let j = 0; j < count; j++) {
      const n = findNode(ranges.multi, 128, 0);
      if (!n) break;
      placed.push({ node: n, cpus: 128 });
      n.allocCpus = 128; // reserve before the next findNode
    }
    placed.forEach((p) => (p.node.allocCpus = 0));
    if (placed.length > 1) newJob('cpu', placed, 128 * placed.length, 0);
  }
  for (let k = 0; k < 700 && jobs.length < running; k++) {
    const g = rnd() < 0.7 ? 1 : 2;
    const n = findNode(ranges.gpu, 8 * g, g);
    if (n) newJob(rnd() < 0.15 ? 'scavenger' : 'gpu', [{ node: n, cpus: 8 * g, gpus: g }], 8 * g, g);
  }
  let array;
  let het = 0;
  while (jobs.length < running) {
    const r = rnd();
    const partition = r < 0.62 ? 'cpu' : r < 0.8 ? 'long' : r < 0.98 ? 'scavenger' : 'debug';
    const range = partition === 'long' ? ranges.long : partition === 'debug' ? ranges.debug : ranges.cpu;
    const cpus = SIZES[Math.floor(rnd() * SIZES.length)];
    const n = findNode(range, cpus, 0) ?? findNode(ranges.long, cpus, 0) ?? findNode(ranges.cpu, 1, 0);
    if (!n) throw new Error(`cluster full after ${jobs.length} jobs`);
    const take = Math.min(cpus, n.cpus - n.allocCpus);
    // A fifth of the jobs are array tasks (arrays of 10-100), a few are het-job components.
    let extra = {};
    if (array && array.left > 0 && rnd() < 0.9) {
      extra = { arrayJobId: array.id, arrayTaskId: String(array.next++) };
      array.left--;
    } else if (rnd() < 0.004) {
      array = { id: String(nextId), next: 1, left: 10 + Math.floor(rnd() * 90) };
      extra = { arrayJobId: array.id, arrayTaskId: String(array.next++) };
    } else if (het < 20 && rnd() < 0.002) {
      het++;
      extra = { hetJobId: String(nextId), hetJobOffset: 0 };
    }
    newJob(partition, [{ node: n, cpus: take }], take, 0, extra);
  }
  // A few jobs are completing (CG): still on their nodes, not in webjobs.
  for (let k = 0; k < 100; k++) jobs[Math.floor(rnd() * jobs.length)].state = 'CG';
  for (const n of nodes) if (n.drainLater) n.flags = ['DRAIN'];
  const pendingJobs = Array.from({ length: pending }, (_, k) => {
    const user = users[Math.floor(rnd() * users.length)];
    const cpus = SIZES[Math.floor(rnd() * SIZES.length)];
    return {
      jobid: String(5_000_001 + k),
      user: user.name,
      uid: user.uid,
      account: user.account,
      partition: rnd() < 0.8 ? 'cpu' : 'long',
      cpus,
      memMiB: cpus * 4096,
    };
  });
  return { nowMs, nodes, partitions, users, jobs, pendingJobs, memUnit: MIB };
}
