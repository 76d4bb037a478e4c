import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Stack } from '../lib/index.js';
import { demoJobs, EARLY_SECONDS, JOB_SECONDS } from './workload.js';

const stack: Pick<Stack, 'nodes' | 'partitions'> = {
  nodes: ['d1', 'd2', 'd3'],
  partitions: { default: 'batch', preemptable: 'scavenger' },
};
const CPUS_PER_NODE = 2; // test/stack/configs.sh

test('every demo job states its memory and one of script/wrap', () => {
  for (const { kind, spec } of demoJobs(stack)) {
    assert.match(spec.mem, /^\d+[MG]$/, kind);
    assert.ok(spec.script !== undefined, kind);
  }
});

test('the demo workload leaves a user two-node job room (idle or preemptable CPUs on two nodes)', () => {
  const held = new Map<string, number>();
  for (const { spec, once } of demoJobs(stack)) {
    if (spec.partition === stack.partitions.preemptable) continue; // a batch job preempts it
    if (once === true) continue; // ends after EARLY_SECONDS (checked below)
    const nodes = (spec.nodelist ?? '').split(',');
    assert.equal(nodes.length, spec.nodes ?? 1, `${spec.name} pins one node per --nodes`);
    const perNode = Math.ceil((spec.ntasks ?? 1) / nodes.length);
    for (const n of nodes) held.set(n, (held.get(n) ?? 0) + perNode);
  }
  const free = stack.nodes.filter((n) => (held.get(n) ?? 0) < CPUS_PER_NODE);
  assert.ok(free.length >= 2, `nodes with room: ${free.join(',')}`);
});

test('the workload shows each feature: balanced, uneven two-node, preemptable, one early CPU-only job', () => {
  const jobs = demoJobs(stack);
  assert.deepEqual(
    jobs.map((j) => j.kind),
    ['balanced', 'uneven', 'sleep', 'early'],
  );
  const byKind = new Map(jobs.map((j) => [j.kind, j]));
  assert.equal(byKind.get('uneven')?.spec.nodes, 2);
  assert.equal(byKind.get('sleep')?.spec.partition, 'scavenger');
  const early = byKind.get('early')!;
  assert.equal(early.once, true, 'submitted once: it must not hold a CPU for the rest of the demo');
  const victim = byKind.get(early.preempts ?? '');
  assert.equal(victim?.spec.partition, 'scavenger', 'the early job preempts the scavenger job');
  assert.equal(early.spec.partition, undefined, 'from the default (batch, higher tier) partition');
  assert.equal(early.spec.nodelist, victim.spec.nodelist, "on the scavenger job's node");
  assert.match(early.spec.script ?? '', new RegExp(`timeout ${EARLY_SECONDS} `));
  assert.ok(EARLY_SECONDS <= 45 && EARLY_SECONDS < JOB_SECONDS, 'ends well before the others');
  assert.equal(jobs.filter((j) => j.once === true).length, 1);
});

test('demoJobs needs three nodes', () => {
  assert.throws(() => demoJobs({ ...stack, nodes: ['d1'] }), /three nodes/);
});
