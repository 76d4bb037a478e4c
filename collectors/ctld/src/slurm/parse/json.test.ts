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
  assert.equal(j1?.batchHost, 'c2');
  assert.equal(j1?.memoryBytes, 1000 * MiB);
  assert.equal(j1?.timeLimitSeconds, 3600);
  // gpujob: tres_alloc_str has no gres/gpu (AccountingStorageTRES does not name it); gres_detail does.
  const j2 = jobs.find((j) => j.jobid === '2');
  assert.deepEqual([j2?.gpus, j2?.gpusByType], [1, { tesla: 1 }]);
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

    const jobsJson = parseJobsJson(slurmFixture(`${v}/jobs.json`));
    assert.deepEqual(jobsJson.version, version);
    const { jobs } = jobsJson;
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
    assert.deepEqual(jobs[0]?.gpusByType, { a100: 2 }, 'from gres_detail: tres_alloc_str has no gres/gpu');
    assert.deepEqual([jobs[0]?.user, jobs[0]?.uid, jobs[0]?.memoryBytes], ['alice', 1001, 128 * 1024 * MiB]);
    assert.deepEqual([jobs[1]?.arrayJobId, jobs[1]?.arrayTaskId, jobs[1]?.memoryBytes], ['100', '3', 16000 * MiB]);
    assert.deepEqual([jobs[2]?.hetJobId, jobs[2]?.hetJobOffset], ['103', 0]);
    assert.deepEqual(
      jobs.map((j) => j.batchHost),
      ['g1', 'c2', 'c6', 'c5'],
    );
  });
}

test('batch_host: the batch node as Slurm names it, not the first of nodes; "" is absent', () => {
  const doc = (batchHost: string): string =>
    JSON.stringify({
      meta: { plugin: { data_parser: 'data_parser/v0.0.42' }, slurm: { release: '24.11.5' } },
      jobs: [{ job_id: 7, job_state: ['RUNNING'], nodes: 'a[1-2],b1', batch_host: batchHost }],
    });
  assert.equal(parseJobsJson(doc('b1')).jobs[0]?.batchHost, 'b1');
  assert.equal('batchHost' in (parseJobsJson(doc('')).jobs[0] ?? {}), false);
});

/** The raw first job and first node of a built fixture, to pin its shape to the release's. */
function raw(v: string): { job: Record<string, unknown>; node: Record<string, unknown>; meta: object } {
  const jobs = JSON.parse(slurmFixture(`${v}/jobs.json`)) as { jobs: Array<Record<string, unknown>>; meta: object };
  const nodes = JSON.parse(slurmFixture(`${v}/nodes.json`)) as { nodes: Array<Record<string, unknown>> };
  return { job: jobs.jobs[0] ?? {}, node: nodes.nodes[0] ?? {}, meta: jobs.meta };
}

test('23.02 commands write meta.plugins (not plugin) and meta.Slurm with numbers', () => {
  const { meta } = raw('23.02');
  assert.deepEqual(Object.keys(meta).sort(), ['Slurm', 'command', 'plugins']);
  const { version } = parseJobsJson(slurmFixture('23.02/jobs.json'));
  assert.deepEqual(version, { version: '23.02', release: '23.02.7', parser: 'data_parser/v0.0.39' });
  // slurmrestd of 23.02 writes meta.plugin with a bare "v0.0.39".
  const restd = JSON.stringify({
    meta: {
      plugin: { type: 'openapi/v0.0.39', name: 'Slurm OpenAPI v0.0.39', data_parser: 'v0.0.39' },
      Slurm: { version: { major: 23, micro: 3, minor: 2 }, release: '23.02.3' },
    },
    nodes: [],
  });
  assert.deepEqual(parseNodesJson(restd).version, {
    version: '23.02',
    release: '23.02.3',
    parser: 'data_parser/v0.0.39',
  });
});

test('times: plain numbers in 23.02, {set, infinite, number} from 23.11', () => {
  for (const v of SUPPORTED_SLURM_VERSIONS.filter((x) => x !== '22.05')) {
    const { job, node } = raw(v);
    const want = v === '23.02' ? 'number' : 'object';
    assert.equal(typeof job['start_time'], want, `${v} job start_time`);
    assert.equal(typeof node['boot_time'], want, `${v} node boot_time`);
    assert.equal(typeof node['free_mem'], 'object', `${v} node free_mem`);
  }
});

test('job_state: a string in 23.02, [base, ...flags] from 23.11, COMPLETING either way', () => {
  const completing = (v: string): unknown =>
    (JSON.parse(slurmFixture(`${v}/jobs.json`)) as { jobs: Array<Record<string, unknown>> }).jobs.find(
      (j) => j['job_id'] === 104,
    )?.['job_state'];
  assert.equal(completing('23.02'), 'COMPLETING');
  assert.deepEqual(completing('25.05'), ['COMPLETED', 'COMPLETING']);
  const doc = (state: unknown): string =>
    JSON.stringify({
      meta: { plugin: { data_parser: 'data_parser/v0.0.42' }, slurm: { release: '24.11.5' } },
      jobs: [{ job_id: 7, job_state: state, nodes: 'c1', cpus: { set: true, infinite: false, number: 1 } }],
    });
  const state = (s: unknown): string | undefined => parseJobsJson(doc(s), 'jobs', new Set(['X'])).jobs[0]?.state;
  const all = new Set(['RUNNING', 'COMPLETING', 'CANCELLED']);
  assert.equal(parseJobsJson(doc(['CANCELLED', 'COMPLETING']), 'jobs', all).jobs[0]?.state, 'COMPLETING');
  assert.equal(parseJobsJson(doc(['RUNNING', 'CONFIGURING']), 'jobs', all).jobs[0]?.state, 'RUNNING');
  assert.equal(state(['PENDING']), undefined, 'filtered by keep');
});

test('job_resources: allocated_nodes until 23.11, nodes.allocation from 24.05 (nodes string read instead)', () => {
  for (const v of SUPPORTED_SLURM_VERSIONS.filter((x) => x !== '22.05')) {
    const res = raw(v).job['job_resources'] as Record<string, unknown>;
    const old = v === '23.02' || v === '23.11';
    assert.equal(Array.isArray(res['allocated_nodes']), old, `${v} allocated_nodes`);
    assert.equal(typeof res['nodes'], old ? 'string' : 'object', `${v} job_resources.nodes`);
  }
});

test('node fields each release adds: gpu_spec/res_cores_per_gpu (24.05+), topology/cert_flags (25.05)', () => {
  const has = (v: string, k: string): boolean => k in raw(v).node;
  assert.deepEqual(
    SUPPORTED_SLURM_VERSIONS.filter((x) => x !== '22.05').map((v) => [
      v,
      has(v, 'gpu_spec'),
      has(v, 'res_cores_per_gpu'),
      has(v, 'topology'),
      has(v, 'instance_id'),
    ]),
    [
      ['23.02', false, false, false, false],
      ['23.11', false, false, false, true],
      ['24.05', true, true, false, true],
      ['24.11', true, true, false, true],
      ['25.05', true, true, true, true],
    ],
  );
});

test('Slurm escapes "/" as "\\/" in its JSON', () => {
  assert.match(slurmFixture('24.11/jobs.json'), /"data_parser\\\/v0\.0\.42"/);
  assert.match(slurmFixture('22.05/squeue.json'), /\\\//);
});

test('GPUs: tres_alloc_str, else gres_detail per node, else the request', () => {
  const meta = { plugin: { data_parser: 'data_parser/v0.0.40' }, slurm: { release: '23.11.10' } };
  const gpus = (job: object): [number, Record<string, number>] => {
    const text = JSON.stringify({ meta, jobs: [{ job_id: 1, job_state: ['RUNNING'], nodes: 'n[1-2]', ...job }] });
    const j = parseJobsJson(text).jobs[0];
    return [j?.gpus ?? -1, j?.gpusByType ?? {}];
  };
  assert.deepEqual(
    gpus({ tres_alloc_str: 'cpu=2,gres/gpu=3,gres/gpu:a100=3', gres_detail: ['gpu:a100:1(IDX:0)'] }),
    [3, { a100: 3 }],
    'tres_alloc_str wins when AccountingStorageTRES names gres/gpu',
  );
  assert.deepEqual(
    gpus({
      tres_alloc_str: 'cpu=2,mem=1G,node=2,billing=2',
      gres_detail: ['gpu:h100:2(IDX:0-1),gpu:h200:4(IDX:2-5)', 'gpu:h100:2(IDX:0-1),gpu:h200:4(IDX:2-5)'],
      tres_per_job: 'gres/gpu:12',
    }),
    [12, { h100: 4, h200: 8 }],
    'gres_detail: one string per node, summed',
  );
  assert.deepEqual(gpus({ gres_detail: ['gpu:8(IDX:0-7)'] }), [8, { '': 8 }], 'untyped');
  assert.deepEqual(
    gpus({ gres_detail: [], tres_per_node: 'gres/gpu:1', node_count: { set: true, infinite: false, number: 2 } }),
    [2, { '': 2 }],
    'per node × nodes (23.11+ "gres/")',
  );
  assert.deepEqual(gpus({ tres_per_node: 'gres:gpu:tesla:1' }), [2, { tesla: 2 }], '23.02 "gres:" prefix');
  assert.deepEqual(gpus({ tres_per_job: 'gres/gpu:3' }), [3, { '': 3 }], 'per job');
  assert.deepEqual(
    gpus({ tres_per_task: 'gres/gpu:1', tasks: { set: true, infinite: false, number: 4 } }),
    [4, { '': 4 }],
    'per task × tasks',
  );
  assert.deepEqual(gpus({ tres_alloc_str: 'cpu=2', gres_detail: [] }), [0, {}], 'no GPUs');
});

test('the release decides, not the data_parser: 25.05 answering /slurm/v0.0.41', () => {
  const text = JSON.stringify({
    meta: {
      plugin: { type: 'openapi/slurmctld', data_parser: 'data_parser/v0.0.41' },
      slurm: { version: { major: '25', micro: '4', minor: '05' }, release: '25.05.4' },
    },
    nodes: [],
  });
  assert.deepEqual(parseNodesJson(text).version, {
    version: '25.05',
    release: '25.05.4',
    parser: 'data_parser/v0.0.41',
  });
});

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
    [
      '25.11 (data_parser/v0.0.44, as scontrol show node --json writes it)',
      doc({
        plugin: { type: '', name: '', data_parser: 'data_parser/v0.0.44' },
        slurm: { version: { major: '25', micro: '0', minor: '11' }, release: '25.11.0' },
      }),
      /Slurm 25\.11\.0 is not supported/,
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
