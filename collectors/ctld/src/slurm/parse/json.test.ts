import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SUPPORTED_SLURM_VERSIONS } from '../types.js';
import { UnsupportedSlurmVersionError, num } from './json.js';
import { parseJobsJson } from './json-jobs.js';
import { parseNodesJson } from './json-nodes.js';
import { slurmFixture } from './fixtures.js';

const MiB = 1024 * 1024;

test('22.05 (real capture): sinfo --json nodes and squeue --json jobs', () => {
  const { version, nodes } = parseNodesJson(slurmFixture('22.05/sinfo.json'));
  assert.deepEqual(version, { version: '22.05', release: '22.05.8', parser: 'openapi/v0.0.38' });
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const c1 = byName.get('c1');
  assert.equal(c1?.state, 'MIXED');
  assert.deepEqual(c1?.partitions, ['batch', 'scavenger']);
  assert.deepEqual(c1?.gres, [{ name: 'gpu', type: 'tesla', count: 2 }]);
  assert.deepEqual(c1?.gresUsed, [{ name: 'gpu', type: 'tesla', count: 1 }]);
  assert.equal(c1?.allocCpus, 3);
  assert.equal(c1?.memoryBytes, 4000 * MiB);
  assert.equal(c1?.allocMemoryBytes, 500 * MiB);
  assert.deepEqual([byName.get('c2')?.state, byName.get('c2')?.flags], ['ALLOCATED', ['DRAIN']]);
  assert.deepEqual(byName.get('c3')?.flags, ['MAINTENANCE', 'RESERVED']);
  assert.deepEqual([byName.get('cghost01')?.state, byName.get('cghost01')?.flags], ['DOWN', ['NOT_RESPONDING']]);

  const { jobs } = parseJobsJson(slurmFixture('22.05/squeue.json'));
  assert.deepEqual(jobs.map((j) => j.displayId).sort(), ['1', '2', '3_1', '3_2', '4+0', '4+1']);
  const j1 = jobs.find((j) => j.jobid === '1');
  assert.deepEqual(j1?.nodes, ['c2', 'c3']);
  assert.equal(j1?.memoryBytes, 1000 * MiB);
  assert.equal(j1?.timeLimitSeconds, 3600);
});

for (const v of SUPPORTED_SLURM_VERSIONS.filter((x) => x !== '22.05')) {
  test(`${v}: nodes and jobs in that release's shapes`, () => {
    const { version, nodes } = parseNodesJson(slurmFixture(`${v}/nodes.json`));
    assert.equal(version.version, v);
    const states = Object.fromEntries(nodes.map((n) => [n.name, [n.state, ...n.flags].join('+')]));
    assert.deepEqual(states, {
      g1: 'MIXED',
      c1: 'IDLE',
      c2: 'MIXED+DRAIN',
      c3: 'DOWN+NOT_RESPONDING',
      c4: 'IDLE+POWERED_DOWN',
      c5: 'IDLE+PLANNED',
      c6: 'ALLOCATED+RESERVED+MAINTENANCE',
    });
    const g1 = nodes.find((n) => n.name === 'g1');
    assert.deepEqual(g1?.gres, [{ name: 'gpu', type: 'a100', count: 4 }]);
    assert.deepEqual(g1?.gresUsed, [{ name: 'gpu', type: 'a100', count: 2 }]);

    const { jobs } = parseJobsJson(slurmFixture(`${v}/jobs.json`));
    assert.deepEqual(
      jobs.map((j) => [j.displayId, j.state, j.cpus, j.gpus, j.nodes.join(' ')]),
      [
        ['101', 'RUNNING', 16, 2, 'g1'],
        ['100_3', 'RUNNING', 8, 0, 'c2'],
        ['103+0', 'RUNNING', 32, 0, 'c6'],
        ['104', 'COMPLETING', 2, 0, 'c5 c6'],
      ],
      'the pending job is left out',
    );
    assert.equal(jobs[0]?.startTimeMs, 1740000500_000);
    assert.equal(jobs[0]?.timeLimitSeconds, 3600);
    assert.deepEqual(jobs[0]?.gpusByType, { a100: 2 });
  });
}

test('unknown releases are errors naming the version, never crashes', () => {
  const doc = (meta: object): string => JSON.stringify({ meta, nodes: [] });
  const cases: Array<[string, string, RegExp]> = [
    [
      '21.08 (v0.0.37)',
      doc({
        plugin: { type: 'openapi/v0.0.37' },
        Slurm: { version: { major: 21, minor: 8, micro: 8 }, release: '21.08.8-2' },
      }),
      /Slurm 21\.08\.8-2 is not supported/,
    ],
    [
      '26.05',
      doc({
        plugin: { data_parser: 'data_parser/v0.0.44' },
        slurm: { version: { major: '26', minor: '05', micro: '0' }, release: '26.05.0' },
      }),
      /Slurm 26\.05\.0 is not supported/,
    ],
    ['no version at all', doc({ plugin: { type: 'openapi/v0.0.99' } }), /openapi\/v0\.0\.99 is not supported/],
  ];
  for (const [name, text, re] of cases) {
    assert.throws(
      () => parseNodesJson(text),
      (e: unknown) => e instanceof UnsupportedSlurmVersionError && re.test(e.message),
      name,
    );
  }
});

test('malformed JSON documents are ParseErrors', () => {
  const meta = { Slurm: { version: { major: 22, minor: 5, micro: 8 }, release: '22.05.8' } };
  const cases: Array<[string, string, RegExp]> = [
    ['not JSON', '{"meta":', /not JSON/],
    ['array', '[]', /not an object/],
    ['no meta', '{"nodes":[]}', /no "meta"/],
    ['no nodes array', JSON.stringify({ meta }), /no "nodes" array/],
    ['node without name', JSON.stringify({ meta, nodes: [{ cpus: 1 }] }), /nodes\[0\]: node without a name/],
    ['node without cpus', JSON.stringify({ meta, nodes: [{ name: 'a' }] }), /node a without "cpus"/],
  ];
  for (const [name, text, re] of cases) assert.throws(() => parseNodesJson(text), re, name);
  assert.throws(() => parseJobsJson(JSON.stringify({ meta, jobs: [{}] })), /without "job_id"/);
});

test('num: plain numbers, NO_VAL sentinels and {set, infinite, number}', () => {
  const cases: Array<[string, unknown, number | undefined]> = [
    ['plain', 5, 5],
    ['NO_VAL', 4294967294, undefined],
    ['negative sentinel', -2, undefined],
    ['set', { set: true, infinite: false, number: 7 }, 7],
    ['unset', { set: false, infinite: false, number: 0 }, undefined],
    ['infinite', { set: false, infinite: true, number: 0 }, Infinity],
    ['string', '5', undefined],
  ];
  for (const [name, input, want] of cases) assert.equal(num(input), want, name);
});
