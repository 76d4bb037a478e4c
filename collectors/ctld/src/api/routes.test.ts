import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { request, type IncomingHttpHeaders } from 'node:http';
import { gunzipSync } from 'node:zlib';
import type { NodeReport } from '@slurmscope/common';
import { Authenticator } from '../auth/authenticator.js';
import { signHs256Jwt } from '../auth/jwt.js';
import type { PollResult } from '../slurm/snapshot.js';
import type { SlurmSnapshot } from '../slurm/types.js';
import type { Webjob } from '../webjobs.js';
import type { ApiContext } from './context.js';
import type { ReportOwner, ReportServicePort } from './report-port.js';
import { buildCycleView } from './cycle-view.js';
import { startTestApi } from './testkit.js';
import type { CycleView } from './view.js';

const KEY = Buffer.from('jwt-key');
const NOW = Date.now();
const REPORTS: ReportOwner[] = [
  { jobid: '11', user: 'alice', script: '#!/bin/sh\necho alice' } as ReportOwner,
  { jobid: '12', user: 'bob', script: '#!/bin/sh\necho bob' } as ReportOwner,
];

/** A report service over two stored reports that keeps the script of job 11. */
class FakeReports implements ReportServicePort {
  listCalls: Array<{ user?: string; limit?: number }> = [];
  observe(): Promise<void> {
    return Promise.resolve();
  }
  families(): [] {
    return [];
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
  get(id: string): Promise<ReportOwner | undefined> {
    return Promise.resolve(REPORTS.find((r) => r.jobid === id));
  }
  owner(id: string): string | undefined {
    return REPORTS.find((r) => r.jobid === id)?.user;
  }
  list(opts: { user?: string; limit?: number }): Promise<ReportOwner[]> {
    this.listCalls.push(opts);
    return Promise.resolve(REPORTS.filter((r) => opts.user === undefined || r.user === opts.user));
  }
  hasScript(jobid: string): boolean {
    return jobid === '11';
  }
}

const webjob = (jobid: string, user: string): Webjob => ({
  jobid,
  displayId: jobid,
  user,
  partition: 'batch',
  allocatedCpus: 2,
  nodes: [],
  loadImbalance: 0.9,
});

interface Harness {
  base: string;
  ctx: ApiContext;
  reports: FakeReports;
  setView(v: CycleView | undefined): void;
}

async function harness(t: TestContext, maxBodyBytes?: number): Promise<Harness> {
  const reports = new FakeReports();
  const api = await startTestApi(t, {
    ctx: {
      reports: () => reports,
      auth: new Authenticator({
        agentToken: 'agent-tok',
        adminToken: 'admin-tok',
        jwtKey: KEY,
        trustedProxy: { addresses: ['127.0.0.1'], header: 'X-Remote-User' },
      }),
      ...(maxBodyBytes === undefined ? {} : { maxBodyBytes }),
    },
  });
  return { ...api, reports };
}

const REPORT: NodeReport = {
  version: 1,
  node: 'n1',
  timestampMs: NOW,
  intervalMs: 1000,
  cpus: 4,
  power: {},
  jobs: [
    { jobid: '11', cpus: 1, cpuSeconds: 5, cpuUtilization: 1, memoryUsedBytes: 1e6, gpuSeconds: 0, gpus: [] },
    { jobid: '13', cpus: 1, cpuSeconds: 0, memoryUsedBytes: 1e6, gpuSeconds: 0, gpus: [], script: '#!/bin/sh' },
  ],
};

const post = (base: string, body: string, headers: Record<string, string> = { authorization: 'Bearer agent-tok' }) =>
  fetch(`${base}/api/v1/node-reports`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', ...headers },
  });

test('POST /api/v1/node-reports: 401 without or with a wrong token, 400 with the zod path, 200 with the script ack', async (t) => {
  const h = await harness(t);
  let res = await post(h.base, JSON.stringify(REPORT), {});
  assert.equal(res.status, 401);
  assert.equal(res.headers.get('www-authenticate'), 'Bearer realm="slurmscope"');
  assert.deepEqual(await res.json(), { error: 'missing bearer token' });
  res = await post(h.base, JSON.stringify(REPORT), { authorization: 'Bearer admin-tok' });
  assert.equal(res.status, 401);

  res = await post(h.base, '{"version": 1, "node": ');
  assert.equal(res.status, 400);
  assert.match(((await res.json()) as { error: string }).error, /^body is not JSON/);

  const bad = { ...REPORT, jobs: [{ ...REPORT.jobs[0], cpus: -1 }] };
  res = await post(h.base, JSON.stringify(bad));
  assert.equal(res.status, 400);
  const err = (await res.json()) as { error: string; issues: Array<{ path: string }> };
  assert.equal(err.issues[0]?.path, 'jobs.0.cpus');
  assert.match(err.error, /jobs\.0\.cpus/);

  res = await post(h.base, JSON.stringify(REPORT));
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { scripts: ['11'] });
  // Served once Slurm's next snapshot shows n1 running both jobs (node-reports.test.ts tests the checks).
  const snapshot = {
    timestampMs: Date.now(),
    nodes: [{ name: 'n1', state: 'IDLE', flags: [] }],
    jobs: [11, 13].map((id) => ({ jobid: `${id}`, nodes: ['n1'] })),
  };
  assert.deepEqual(
    h.ctx.nodeReports.latest(Date.now(), snapshot as unknown as SlurmSnapshot).map((r) => r.node),
    ['n1'],
  );
  const counts = h.ctx.nodeReports.families(Date.now())[0]?.samples.map((s) => `${s.labels.result}=${s.value}`);
  // cpus: -1 is a refused value (bad_value), not a malformed body.
  assert.deepEqual(counts, ['accepted=1', 'unauthorized=2', 'invalid=1', 'too_large=0', 'refused=1']);
});

test('POST /api/v1/node-reports: a body over the limit is 413, declared or streamed', async (t) => {
  const h = await harness(t, 1024);
  const big = JSON.stringify({ ...REPORT, node: 'x'.repeat(2000) });
  const res = await post(h.base, big);
  assert.equal(res.status, 413);
  assert.deepEqual(await res.json(), { error: 'body larger than 1024 bytes', limitBytes: 1024 });

  // Chunked, no Content-Length: the limit trips while streaming.
  const status = await new Promise<number>((resolve, reject) => {
    const req = request(
      `${h.base}/api/v1/node-reports`,
      { method: 'POST', headers: { authorization: 'Bearer agent-tok' } },
      (r) => {
        r.resume();
        resolve(r.statusCode ?? 0);
      },
    );
    req.on('error', reject);
    req.write('x'.repeat(800));
    req.write('x'.repeat(800));
    req.end();
  });
  assert.equal(status, 413);
  assert.deepEqual(
    h.ctx.nodeReports.families(Date.now())[0]?.samples.find((s) => s.labels.result === 'too_large')?.value,
    2,
  );
});

test('GET /api/v1/reports: admin sees all, a user only their own (other reports are 404), anonymous 401', async (t) => {
  const h = await harness(t);
  const get = async (path: string, headers: Record<string, string> = {}) => {
    const res = await fetch(`${h.base}${path}`, { headers });
    return { status: res.status, body: (await res.json()) as unknown };
  };
  const alice = { authorization: `Bearer ${signHs256Jwt({ exp: Math.floor(NOW / 1000) + 600, sun: 'alice' }, KEY)}` };
  const admin = { authorization: 'Bearer admin-tok' };

  assert.equal((await get('/api/v1/reports')).status, 401);
  assert.equal((await get('/api/v1/reports/11')).status, 401);
  assert.deepEqual((await get('/api/v1/reports', admin)).body, REPORTS);
  assert.deepEqual((await get('/api/v1/reports?user=bob&limit=5', admin)).body, [REPORTS[1]]);
  assert.deepEqual(h.reports.listCalls.at(-1), { user: 'bob', limit: 5 });
  assert.equal((await get('/api/v1/reports?limit=0', admin)).status, 400);

  assert.deepEqual((await get('/api/v1/reports', alice)).body, [REPORTS[0]]);
  assert.deepEqual((await get('/api/v1/reports?user=bob', alice)).body, [REPORTS[0]], 'user= cannot widen a user view');
  assert.deepEqual((await get('/api/v1/reports/11', alice)).body, REPORTS[0]);
  const other = await get('/api/v1/reports/12', alice);
  assert.deepEqual(other, { status: 404, body: { error: 'no report 12', jobid: '12' } });
  assert.deepEqual(await get('/api/v1/reports/99', alice), {
    status: 404,
    body: { error: 'no report 99', jobid: '99' },
  });

  const expired = { 'x-slurm-user-token': signHs256Jwt({ exp: Math.floor(NOW / 1000) - 1, sun: 'alice' }, KEY) };
  assert.deepEqual(await get('/api/v1/reports/11', expired), { status: 401, body: { error: 'JWT expired' } });
  // The test connects from 127.0.0.1, configured as a trusted proxy.
  assert.deepEqual((await get('/api/v1/reports/12', { 'x-remote-user': 'bob' })).body, REPORTS[1]);
  assert.equal((await get('/api/v1/reports/11', { 'x-remote-user': 'bob' })).status, 404);
});

test('public routes: 503 before a snapshot, then availability with age and stale flag, webjobs by user, one job', async (t) => {
  const h = await harness(t);
  let res = await fetch(`${h.base}/api/v1/availability`);
  assert.equal(res.status, 503);
  assert.equal(res.headers.get('retry-after'), '10');

  const taken = Date.now() - 2000;
  const result = {
    snapshot: { timestampMs: taken },
    availability: { timestampMs: taken, preemptionModelled: true, partitions: [] },
  } as unknown as PollResult;
  h.setView(
    await buildCycleView({
      cycle: 3,
      nowMs: taken,
      poll: { result, stale: true, error: 'sinfo: timed out' },
      webjobs: [webjob('7', 'alice'), webjob('8', 'bob')],
    }),
  );

  res = await fetch(`${h.base}/api/v1/availability`);
  const a = (await res.json()) as { snapshotAgeSeconds: number; stale: boolean; error: string; partitions: unknown[] };
  assert.ok(a.snapshotAgeSeconds >= 2 && a.snapshotAgeSeconds < 10, String(a.snapshotAgeSeconds));
  assert.equal(a.stale, true);
  assert.equal(a.error, 'sinfo: timed out');
  assert.deepEqual(a.partitions, []);

  res = await fetch(`${h.base}/api/v1/webjobs?user=bob`);
  assert.deepEqual(
    ((await res.json()) as { jobs: Webjob[] }).jobs.map((j) => j.jobid),
    ['8'],
  );
  res = await fetch(`${h.base}/api/v1/jobs/7`);
  assert.equal(((await res.json()) as { job: Webjob }).job.user, 'alice');
  res = await fetch(`${h.base}/api/v1/jobs/9`);
  assert.equal(res.status, 404);
  res = await fetch(`${h.base}/api/v1/webjobs`, { method: 'DELETE' });
  assert.equal(res.status, 405);

  res = await fetch(`${h.base}/`);
  assert.match(await res.text(), /<a href="\/api\/v1\/availability">/);
  res = await fetch(`${h.base}/metrics`);
  assert.equal(await res.text(), 'm 1\n');
});

/** One GET with raw bytes back (no automatic decompression, unlike fetch). */
function rawGet(
  base: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}${path}`, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

test('public routes: prebuilt webjobs equal a fresh serialization, plain and gzip; ETag and 304 per cycle; per user', async (t) => {
  const h = await harness(t);
  const taken = Date.now() - 1500;
  const result = {
    snapshot: { timestampMs: taken },
    availability: { timestampMs: taken, preemptionModelled: true, partitions: [] },
  } as unknown as PollResult;
  const jobs = Array.from({ length: 300 }, (_, i) => webjob(String(1000 + i), i % 3 === 0 ? 'bob' : 'alice'));
  const cycle = (n: number) =>
    buildCycleView({ cycle: n, nowMs: taken, poll: { result, stale: false }, webjobs: jobs });
  h.setView(await cycle(1));

  // Byte for byte what JSON.stringify of the whole answer gives, with the age this answer carries.
  const same = (body: Buffer, want: (age: number) => object): void => {
    const got = JSON.parse(body.toString()) as { snapshotAgeSeconds: number };
    assert.ok(got.snapshotAgeSeconds >= 1.5 && got.snapshotAgeSeconds < 30, String(got.snapshotAgeSeconds));
    assert.equal(body.toString(), `${JSON.stringify(want(got.snapshotAgeSeconds))}\n`);
  };
  const all = (age: number) => ({ snapshotMs: taken, snapshotAgeSeconds: age, stale: false, jobs });
  const plain = await rawGet(h.base, '/api/v1/webjobs');
  assert.equal(plain.headers['content-encoding'], undefined);
  same(plain.body, all);
  const gz = await rawGet(h.base, '/api/v1/webjobs', { 'accept-encoding': 'gzip, deflate, br' });
  assert.equal(gz.headers['content-encoding'], 'gzip');
  assert.ok(gz.body.length < plain.body.length / 5, `${gz.body.length} vs ${plain.body.length}`);
  same(gunzipSync(gz.body), all);
  const etag = gz.headers.etag ?? '';
  assert.equal(plain.headers.etag, etag, 'the tag names the content, whatever the encoding');
  assert.match(etag, new RegExp(`^W/"${taken}\\.1\\.webjobs"$`));

  // A client that has this cycle's answer gets 304; after the next cycle, the new answer.
  assert.equal((await rawGet(h.base, '/api/v1/webjobs', { 'if-none-match': etag })).status, 304);
  h.setView(await cycle(2));
  const next = await rawGet(h.base, '/api/v1/webjobs', { 'if-none-match': etag });
  assert.equal(next.status, 200);
  assert.notEqual(next.headers.etag, etag);

  const bob = await rawGet(h.base, '/api/v1/webjobs?user=bob', { 'accept-encoding': 'gzip' });
  same(gunzipSync(bob.body), (age) => ({ ...all(age), jobs: jobs.filter((j) => j.user === 'bob') }));
  assert.notEqual(bob.headers.etag, next.headers.etag, 'per-user answers have their own tag');
  const nobody = await rawGet(h.base, '/api/v1/webjobs?user=nobody');
  same(nobody.body, (age) => ({ ...all(age), jobs: [] }));
  const avail = await rawGet(h.base, '/api/v1/availability');
  same(avail.body, (age) => ({ ...all(age), jobs: undefined, preemptionModelled: true, partitions: [] }));
});
