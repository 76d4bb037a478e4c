import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { NodeReport } from '@slurmscope/common';
import { RecordingLogger } from '@slurmscope/model';
import { deriveNodeToken } from '../auth/agent-tokens.js';
import { Authenticator, type AuthSettings } from '../auth/authenticator.js';
import { NodeReportStore } from '../node-reports.js';
import type { SlurmSnapshot } from '../slurm/types.js';
import type { ApiContext } from './context.js';
import { createApiServer } from './server.js';

const SECRET = 'cluster-secret';
const PROXY = { addresses: [], header: 'X-Remote-User' };

/** ctld's API over a store that has seen Slurm run job 7 on n1+n2 and job 8 on n3. */
async function harness(t: TestContext, auth: AuthSettings): Promise<{ base: string; store: NodeReportStore }> {
  const store = new NodeReportStore();
  const snapshot = {
    timestampMs: Date.now(),
    nodes: ['n1', 'n2', 'n3'].map((name) => ({ name, state: 'IDLE', flags: [] })),
    jobs: [
      { jobid: '7', nodes: ['n1', 'n2'] },
      { jobid: '8', nodes: ['n3'] },
    ],
  };
  store.latest(Date.now(), snapshot as unknown as SlurmSnapshot);
  const ctx: ApiContext = {
    view: () => undefined,
    reports: () => undefined,
    intervalMs: 10_000,
    auth: new Authenticator(auth),
    nodeReports: store,
    now: Date.now,
    log: new RecordingLogger(),
    title: 'test',
  };
  const server = createApiServer({
    listen: '127.0.0.1:0',
    tls: undefined,
    ctx,
    exposition: { metrics: () => Promise.resolve(''), contentType: 'text/plain' },
  });
  const { port } = await server.start();
  t.after(() => server.close());
  return { base: `http://127.0.0.1:${port}`, store };
}

const report = (node: string, extra: Partial<NodeReport> = {}): NodeReport => ({
  version: 1,
  node,
  timestampMs: Date.now(),
  intervalMs: 10_000,
  cpus: 4,
  power: {},
  jobs: [],
  ...extra,
});

async function post(base: string, body: string, headers: Record<string, string>): Promise<[number, unknown]> {
  const res = await fetch(`${base}/api/v1/node-reports`, { method: 'POST', body, headers });
  return [res.status, await res.json()];
}

const counts = (store: NodeReportStore, index: 0 | 1): Record<string, number> =>
  Object.fromEntries(
    (store.families(Date.now())[index]?.samples ?? [])
      .filter((s) => s.value > 0)
      .map((s) => [Object.values(s.labels)[0], s.value]),
  );

test('POST /api/v1/node-reports: implausible values are 400 with the reason, counted by reason', async (t) => {
  const { base, store } = await harness(t, { agentToken: SECRET, trustedProxy: PROXY });
  const bearer = { authorization: `Bearer ${SECRET}` };
  const job = { jobid: '7', cpus: 1, cpuSeconds: 1, memoryUsedBytes: 1, gpuSeconds: 0, gpus: [] };
  const cases: Array<[string, string, number, string]> = [
    ['future', JSON.stringify(report('n1', { timestampMs: Date.now() + 3_600_000 })), 400, 'future_timestamp'],
    ['interval 1e300', JSON.stringify(report('n1', { intervalMs: 1e300 })), 400, 'bad_interval'],
    ['interval 1e999 (Infinity)', JSON.stringify(report('n1')).replace('10000', '1e999'), 400, 'bad_interval'],
    ['negative counter', JSON.stringify(report('n1', { jobs: [{ ...job, cpuSeconds: -5 }] })), 400, 'bad_value'],
    [
      'infinite memory',
      JSON.stringify(report('n1', { jobs: [job] })).replace('"memoryUsedBytes":1', '"memoryUsedBytes":1e999'),
      400,
      'bad_value',
    ],
    ['unknown node', JSON.stringify(report('n9')), 403, 'unknown_node'],
  ];
  for (const [name, body, status, reason] of cases) {
    const [got, answer] = await post(base, body, bearer);
    assert.equal(got, status, name);
    assert.match(JSON.stringify(answer), new RegExp(reason === 'bad_value' ? 'invalid node report at' : reason), name);
  }
  assert.deepEqual(counts(store, 1), { future_timestamp: 1, bad_interval: 2, bad_value: 2, unknown_node: 1 });
  assert.deepEqual(counts(store, 0), { refused: 6 });
});

test('POST /api/v1/node-reports: with hmac tokens, node A cannot speak for node B; its own token works', async (t) => {
  const { base, store } = await harness(t, { agentToken: SECRET, agentAuth: 'hmac', trustedProxy: PROXY });
  const as = (node: string, token = deriveNodeToken(SECRET, node)) => ({
    authorization: `Bearer ${token}`,
    'x-slurmscope-node': node,
  });
  const body = (node: string) => JSON.stringify(report(node));
  assert.equal((await post(base, body('n2'), as('n1')))[0], 403, "n1's token, a report for n2");
  assert.equal((await post(base, body('n2'), { ...as('n1'), 'x-slurmscope-node': 'n2' }))[0], 401, 'header lies');
  assert.equal((await post(base, body('n1'), as('n1', SECRET)))[0], 401, 'the shared secret is no node token');
  assert.equal((await post(base, body('n1'), { authorization: as('n1').authorization }))[0], 401, 'no node header');
  assert.equal((await post(base, body('n1'), as('n1')))[0], 200);
  assert.deepEqual(counts(store, 0), { accepted: 1, unauthorized: 4 });
  assert.deepEqual(counts(store, 1), { node_token_mismatch: 1 });
});

test('POST /api/v1/node-reports: token files per node', async (t) => {
  const nodeTokens = new Map([
    ['n1', 'tok-n1'],
    ['n3', 'tok-n3'],
  ]);
  const { base } = await harness(t, { agentAuth: 'files', agentNodeTokens: nodeTokens, trustedProxy: PROXY });
  const as = (node: string, token: string) => ({ authorization: `Bearer ${token}`, 'x-slurmscope-node': node });
  assert.equal((await post(base, JSON.stringify(report('n1')), as('n1', 'tok-n1')))[0], 200);
  assert.equal((await post(base, JSON.stringify(report('n3')), as('n3', 'tok-n1')))[0], 401);
  assert.equal((await post(base, JSON.stringify(report('n2')), as('n2', 'tok-n1')))[0], 401, 'n2 has no token file');
});

test('POST /api/v1/node-reports: an 8 MB nested body is refused at once and the API answers meanwhile', async (t) => {
  const { base } = await harness(t, { agentToken: SECRET, trustedProxy: PROXY });
  const nested = '['.repeat(4_000_000) + ']'.repeat(4_000_000);
  const t0 = performance.now();
  const refused = post(base, nested, { authorization: `Bearer ${SECRET}` }).then(([status]) => ({
    status,
    ms: performance.now() - t0,
  }));
  // Another request while the big one is in flight: JSON.parse of it blocked the loop ~2.5 s here.
  const other = (async () => {
    const t1 = performance.now();
    const res = await fetch(`${base}/`);
    await res.text();
    return { status: res.status, ms: performance.now() - t1 };
  })();
  const [big, small] = await Promise.all([refused, other]);
  assert.equal(big.status, 400);
  assert.ok(big.ms < 1500, `refused in ${big.ms.toFixed(0)} ms`);
  assert.equal(small.status, 200);
  assert.ok(small.ms < 1000, `the other request took ${small.ms.toFixed(0)} ms`);

  // Millions of small values (zod took minutes and gigabytes to list their issues): 413 while streaming.
  const many = JSON.stringify(report('n1')).replace('"jobs":[]', `"jobs":[${'{},'.repeat(2_500_000)}{}]`);
  const t2 = performance.now();
  const [status, answer] = await post(base, many, { authorization: `Bearer ${SECRET}` });
  assert.equal(status, 413, JSON.stringify(answer));
  assert.ok(performance.now() - t2 < 1500);
});

test('POST /api/v1/node-reports: power.raplSource measured or simulated is accepted; another value is a refused value', async (t) => {
  const { base, store } = await harness(t, { agentToken: SECRET, trustedProxy: PROXY });
  const bearer = { authorization: `Bearer ${SECRET}` };
  for (const raplSource of ['measured', 'simulated'] as const) {
    const [got] = await post(base, JSON.stringify(report('n1', { power: { raplWatts: 40, raplSource } })), bearer);
    assert.equal(got, 200, raplSource);
  }
  const bad = JSON.stringify(report('n1', { power: { raplWatts: 40 } })).replace(
    '"raplWatts":40',
    '"raplWatts":40,"raplSource":"guessed"',
  );
  const [got, answer] = await post(base, bad, bearer);
  assert.equal(got, 400);
  assert.match(JSON.stringify(answer), /invalid node report at \\"power.raplSource\\"/);
  assert.deepEqual(counts(store, 1), { bad_value: 1 });
});
