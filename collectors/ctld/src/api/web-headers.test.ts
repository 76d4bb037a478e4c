import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { request, type IncomingHttpHeaders } from 'node:http';
import { buildCycleView } from './cycle-view.js';
import type { ReportServicePort } from './report-port.js';
import { emptyPollResult, startTestApi } from './testkit.js';
import { corsHeaders, frameHeaders, withHeaders, type WebPolicy } from './web-headers.js';

const PORTAL = 'https://portal.example.org';
const OTHER = 'https://evil.example.net';
const PUBLIC = [
  '/api/v1/availability',
  '/api/v1/webjobs',
  '/api/v1/webjobs?user=alice',
  '/api/v1/findings',
  '/api/v1/jobs/7',
];

/** A report service without reports: enough for GET /api/v1/reports to answer 200. */
const noReports = {
  observe: () => Promise.resolve(),
  families: () => [],
  close: () => Promise.resolve(),
  get: () => Promise.resolve(undefined),
  owner: () => undefined,
  list: () => Promise.resolve([]),
  hasScript: () => false,
} as unknown as ReportServicePort;

async function serve(t: TestContext, web?: WebPolicy): Promise<string> {
  const taken = Date.now() - 1000;
  const job = { jobid: '7', displayId: '7', user: 'alice', partition: 'batch', allocatedCpus: 1, nodes: [] };
  const api = await startTestApi(t, { ctx: { reports: () => noReports }, ...(web === undefined ? {} : { web }) });
  api.setView(
    await buildCycleView({
      cycle: 1,
      nowMs: taken,
      poll: { result: emptyPollResult(taken), stale: false },
      webjobs: [job as never],
    }),
  );
  return api.base;
}

/** One request with raw headers back (fetch would not let a test send Origin as a browser does). */
function call(
  base: string,
  path: string,
  opts: { method?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}${path}`, { method: opts.method ?? 'GET', headers: opts.headers ?? {} }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

const corsOf = (h: IncomingHttpHeaders): string[] => Object.keys(h).filter((k) => k.startsWith('access-control-'));
const POLICY: WebPolicy = { corsOrigins: [PORTAL, 'http://localhost:8080'], frameAncestors: [] };

test('CORS: a listed origin reads the public JSON answers (200 and 304), an unlisted one gets no CORS headers', async (t) => {
  const base = await serve(t, POLICY);
  for (const path of PUBLIC) {
    const ok = await call(base, path, { headers: { origin: PORTAL } });
    assert.equal(ok.status, 200, path);
    assert.equal(ok.headers['access-control-allow-origin'], PORTAL, path);
    assert.match(String(ok.headers.vary), /\borigin\b/, path);
    const other = await call(base, path, { headers: { origin: OTHER } });
    assert.equal(other.status, 200, path);
    assert.deepEqual(corsOf(other.headers), [], path);
    assert.equal(other.headers.vary?.includes('origin'), true, `${path}: the answer still varies by Origin`);
    assert.deepEqual(corsOf((await call(base, path)).headers), [], `${path} without Origin`);
  }
  // gzip's Vary is kept; a 304 carries the CORS headers too (the browser needs them to use it).
  const gz = await call(base, '/api/v1/webjobs', { headers: { origin: PORTAL, 'accept-encoding': 'gzip' } });
  assert.equal(gz.headers.vary, 'accept-encoding, origin');
  const etag = String(gz.headers.etag);
  const again = await call(base, '/api/v1/webjobs', { headers: { origin: PORTAL, 'if-none-match': etag } });
  assert.equal(again.status, 304);
  assert.equal(again.headers['access-control-allow-origin'], PORTAL);
  // A prefix or a case variant is not the origin.
  const near = await call(base, '/api/v1/availability', { headers: { origin: `${PORTAL}.evil.net` } });
  assert.deepEqual(corsOf(near.headers), []);
});

test("CORS: a listed origin's preflight is 204 for GET with If-None-Match for 10 minutes; others stay 405", async (t) => {
  const base = await serve(t, POLICY);
  const pre = await call(base, '/api/v1/jobs/7', {
    method: 'OPTIONS',
    headers: {
      origin: PORTAL,
      'access-control-request-method': 'GET',
      'access-control-request-headers': 'if-none-match',
    },
  });
  assert.equal(pre.status, 204);
  assert.equal(pre.body, '');
  assert.equal(pre.headers['access-control-allow-origin'], PORTAL);
  assert.equal(pre.headers['access-control-allow-methods'], 'GET');
  assert.equal(pre.headers['access-control-allow-headers'], 'if-none-match');
  assert.equal(pre.headers['access-control-max-age'], '600');
  assert.equal(pre.headers.vary, 'origin');
  const other = await call(base, '/api/v1/jobs/7', { method: 'OPTIONS', headers: { origin: OTHER } });
  assert.equal(other.status, 405);
  assert.deepEqual(corsOf(other.headers), []);
});

test('CORS: never on reports, node reports, /metrics or the index page, and nothing without api.corsOrigins', async (t) => {
  const base = await serve(t, POLICY);
  const admin = { origin: PORTAL, authorization: 'Bearer admin-tok' };
  const reports = await call(base, '/api/v1/reports', { headers: admin });
  assert.equal(reports.status, 200);
  assert.deepEqual(corsOf(reports.headers), []);
  for (const path of ['/api/v1/reports', '/api/v1/reports/11', '/api/v1/node-reports', '/metrics', '/']) {
    for (const method of ['GET', 'OPTIONS']) {
      const res = await call(base, path, { method, headers: admin });
      assert.deepEqual(corsOf(res.headers), [], `${method} ${path}`);
      assert.notEqual(res.status, 204, `${method} ${path}`);
    }
  }
  const plain = await serve(t);
  const res = await call(plain, '/api/v1/availability', { headers: { origin: PORTAL } });
  assert.equal(res.status, 200);
  assert.deepEqual(corsOf(res.headers), []);
  assert.equal(res.headers.vary, 'accept-encoding');
});

test("frame-ancestors: the index page is 'self' only with X-Frame-Options, or 'self' plus the list without it", async (t) => {
  const plain = await call(await serve(t), '/');
  assert.equal(plain.headers['content-security-policy'], "frame-ancestors 'self'");
  assert.equal(plain.headers['x-frame-options'], 'SAMEORIGIN');
  const web = { corsOrigins: [], frameAncestors: ['https://intranet.example.org', 'https://*.example.org'] };
  const listed = await call(await serve(t, web), '/');
  assert.equal(listed.status, 200);
  assert.equal(
    listed.headers['content-security-policy'],
    "frame-ancestors 'self' https://intranet.example.org https://*.example.org",
  );
  assert.equal(listed.headers['x-frame-options'], undefined);
  // JSON answers are not pages: no framing headers.
  const json = await call(await serve(t), '/api/v1/availability');
  assert.equal(json.headers['content-security-policy'], undefined);
});

test('web headers (pure): Vary joined, CORS only for an exact listed origin', () => {
  assert.deepEqual(corsHeaders({ corsOrigins: [], frameAncestors: [] }, PORTAL), {});
  assert.deepEqual(corsHeaders(POLICY, 'https://portal.example.org/'), { vary: 'origin' });
  assert.equal(corsHeaders(POLICY, PORTAL)['access-control-allow-origin'], PORTAL);
  assert.deepEqual(frameHeaders({ corsOrigins: [], frameAncestors: ['https:'] }), {
    'content-security-policy': "frame-ancestors 'self' https:",
  });
  const a = withHeaders({ status: 200, json: {}, headers: { vary: 'accept-encoding' } }, { vary: 'origin' });
  assert.equal(a.headers?.vary, 'accept-encoding, origin');
});
