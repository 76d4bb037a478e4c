import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseKeyValueLine, parsePartitions, parseSdiag, parseSlurmConfig } from './scontrol.js';
import { slurmFixture } from './fixtures.js';

test('parsePartitions: real 22.05 output', () => {
  const parts = parsePartitions(slurmFixture('22.05/scontrol-partition.txt'));
  assert.deepEqual(
    parts.map((p) => [p.name, p.state, p.priorityTier, p.preemptMode, p.isDefault, p.nodes.length]),
    [
      ['batch', 'UP', 10, 'OFF', true, 5],
      ['scavenger', 'UP', 1, 'REQUEUE', false, 3],
      ['maint', 'INACTIVE', 5, 'SUSPEND', false, 1],
    ],
  );
});

test('parseKeyValueLine: values with "=" and spaces', () => {
  const kv = parseKeyValueLine(
    'PartitionName=a TRES=cpu=8,mem=8000M PreemptMode=GANG,SUSPEND Reason=bad dimm now State=UP',
  );
  assert.equal(kv.get('TRES'), 'cpu=8,mem=8000M');
  assert.equal(kv.get('Reason'), 'bad dimm now');
  assert.equal(kv.get('PreemptMode'), 'GANG,SUSPEND');
});

test('parsePartitions: malformed lines', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['no name', 'State=UP Nodes=a', /without PartitionName/],
    ['no state', 'PartitionName=a Nodes=a', /without State/],
    ['bad tier', 'PartitionName=a State=UP PriorityTier=high', /PriorityTier/],
    ['bad nodes', 'PartitionName=a State=UP Nodes=a[1-', /unclosed/],
  ];
  for (const [name, input, re] of cases) assert.throws(() => parsePartitions(input), re, name);
});

test('parseSlurmConfig: real 22.05 preemption settings', () => {
  const c = parseSlurmConfig(slurmFixture('22.05/scontrol-config.txt'));
  assert.deepEqual(c, {
    clusterName: 'capture',
    preempt: { type: 'preempt/partition_prio', mode: 'REQUEUE', exemptTimeSeconds: 120 },
  });
  assert.deepEqual(parseSlurmConfig('ClusterName = x\n').preempt, {
    type: 'preempt/none',
    mode: 'OFF',
    exemptTimeSeconds: 0,
  });
  assert.throws(() => parseSlurmConfig('garbage'), /no "Key = Value" lines/);
  assert.throws(() => parseSlurmConfig('PreemptExemptTime = soon\n'), /PreemptExemptTime/);
});

test('parseSdiag: real 22.05 job counts and RPC counters', () => {
  const s = parseSdiag(slurmFixture('22.05/sdiag.txt'));
  assert.equal(s.jobsPending, 3);
  assert.equal(s.jobsRunning, 6);
  assert.equal(s.jobStatesMs, 1795576221000);
  assert.equal(s.rpcs['REQUEST_JOB_INFO'], 7);
  assert.equal(s.rpcs['REQUEST_NODE_INFO'], 6);
  assert.equal(s.rpcs['REQUEST_PING'], 2);
  assert.equal(s.rpcs['REQUEST_STATS_INFO'], undefined, 'the first sdiag has not counted itself yet');
  assert.throws(() => parseSdiag('hello\n'), /neither "Jobs pending:"/);
  assert.throws(() => parseSdiag('Jobs pending: many\n'), /count is not/);
});
