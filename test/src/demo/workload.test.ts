import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Stack } from '../lib/index.js';
import { demoJobs } from './workload.js';

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
  for (const { spec } of demoJobs(stack)) {
    if (spec.partition === stack.partitions.preemptable) continue; // a batch job preempts it
    const nodes = (spec.nodelist ?? '').split(',');
    assert.equal(nodes.length, spec.nodes ?? 1, `${spec.name} pins one node per --nodes`);
    const perNode = Math.ceil((spec.ntasks ?? 1) / nodes.length);
    for (const n of nodes) held.set(n, (held.get(n) ?? 0) + perNode);
  }
  const free = stack.nodes.filter((n) => (held.get(n) ?? 0) < CPUS_PER_NODE);
  assert.ok(free.length >= 2, `nodes with room: ${free.join(',')}`);
});

test('demoJobs needs three nodes', () => {
  assert.throws(() => demoJobs({ ...stack, nodes: ['d1'] }), /three nodes/);
});
