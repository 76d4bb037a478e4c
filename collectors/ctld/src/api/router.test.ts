import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RecordingLogger } from '@slurmscope/model';
import { HttpError } from './http.js';
import { Router, etagMatches, type Route } from './router.js';

const ROUTES: Route[] = [
  { method: 'GET', pattern: '/api/v1/things', handler: () => ({ status: 200, json: [{ a: 1 }] }) },
  { method: 'GET', pattern: '/api/v1/things/:id', handler: ({ params }) => ({ status: 200, json: { id: params.id } }) },
  { method: 'POST', pattern: '/api/v1/things', handler: () => ({ status: 201, json: { made: true } }) },
  {
    method: 'GET',
    pattern: '/api/v1/teapot',
    handler: () => Promise.reject(new HttpError(418, 'short and stout', { spout: 1 })),
  },
  { method: 'GET', pattern: '/api/v1/broken', handler: () => Promise.reject(new Error('secret detail')) },
  {
    method: 'GET',
    pattern: '/',
    handler: () => ({ status: 200, text: '<p>hi</p>', contentType: 'text/html; charset=utf-8' }),
  },
  {
    method: 'GET',
    pattern: '/api/v1/prebuilt',
    handler: () => ({
      status: 200,
      body: [Buffer.from('{"a":'), Buffer.from('[1,2]}\n')],
      contentType: 'application/json; charset=utf-8',
      etag: 'W/"7.prebuilt"',
      headers: { vary: 'accept-encoding' },
    }),
  },
];

const MATCHES: ReadonlyArray<{ name: string; method: string; path: string; want: string }> = [
  { name: 'exact', method: 'GET', path: '/api/v1/things', want: 'found /api/v1/things {}' },
  { name: 'trailing slash', method: 'GET', path: '/api/v1/things/', want: 'found /api/v1/things {}' },
  { name: 'param', method: 'GET', path: '/api/v1/things/42', want: 'found /api/v1/things/:id {"id":"42"}' },
  {
    name: 'encoded param',
    method: 'GET',
    path: '/api/v1/things/1234%2B1',
    want: 'found /api/v1/things/:id {"id":"1234+1"}',
  },
  { name: 'malformed escape', method: 'GET', path: '/api/v1/things/%E0%A4%A', want: 'none' },
  {
    name: 'HEAD of a GET route',
    method: 'HEAD',
    path: '/api/v1/things/7',
    want: 'found /api/v1/things/:id {"id":"7"}',
  },
  { name: 'POST route', method: 'POST', path: '/api/v1/things', want: 'found /api/v1/things {}' },
  { name: 'wrong method', method: 'DELETE', path: '/api/v1/things', want: 'method GET,HEAD,POST' },
  { name: 'POST on a GET-only path', method: 'POST', path: '/api/v1/things/7', want: 'method GET,HEAD' },
  { name: 'unknown path', method: 'GET', path: '/api/v2/things', want: 'none' },
  { name: 'too deep', method: 'GET', path: '/api/v1/things/7/more', want: 'none' },
  { name: 'root', method: 'GET', path: '/', want: 'found / {}' },
];

const router = new Router(ROUTES, { log: new RecordingLogger(), passThrough: ['/metrics'] });

for (const c of MATCHES) {
  test(`Router.match: ${c.name}`, () => {
    const m = router.match(c.method, c.path);
    const got =
      m.kind === 'found'
        ? `found ${m.route.pattern} ${JSON.stringify(m.params)}`
        : m.kind === 'method'
          ? `method ${m.allow.join(',')}`
          : 'none';
    assert.equal(got, c.want);
  });
}

async function withServer(fn: (base: string, log: RecordingLogger) => Promise<void>): Promise<void> {
  const log = new RecordingLogger();
  const handler = new Router(ROUTES, { log, passThrough: ['/metrics'] }).handler();
  const server: Server = createServer((req, res) => {
    void (async () => {
      if (!(await handler(req, res))) {
        res.writeHead(299, { 'content-type': 'text/plain' });
        res.end('passed through');
      }
    })();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    await fn(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, log);
  } finally {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
}

test('Router over HTTP: JSON answers, HEAD, 405 with Allow, 404 JSON, HttpError, 500 without details, pass-through', async () => {
  await withServer(async (base, log) => {
    let res = await fetch(`${base}/api/v1/things/9?x=1`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/json; charset=utf-8');
    assert.deepEqual(await res.json(), { id: '9' });

    res = await fetch(`${base}/api/v1/things`, { method: 'HEAD' });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-length'), String(Buffer.byteLength('[{"a":1}]\n')));
    assert.equal(await res.text(), '');

    res = await fetch(`${base}/api/v1/things/9`, { method: 'PUT' });
    assert.equal(res.status, 405);
    assert.equal(res.headers.get('allow'), 'GET, HEAD');
    assert.deepEqual(await res.json(), { error: 'method PUT not allowed', allow: ['GET', 'HEAD'] });

    res = await fetch(`${base}/nope`);
    assert.equal(res.status, 404);
    assert.deepEqual(await res.json(), { error: 'not found', path: '/nope' });

    res = await fetch(`${base}/api/v1/teapot`);
    assert.equal(res.status, 418);
    assert.deepEqual(await res.json(), { error: 'short and stout', spout: 1 });

    res = await fetch(`${base}/api/v1/broken`);
    assert.equal(res.status, 500);
    assert.deepEqual(await res.json(), { error: 'internal error' });
    assert.ok(log.records.some((r) => r.level === 'error' && JSON.stringify(r.fields).includes('secret detail')));

    res = await fetch(`${base}/`);
    assert.equal(res.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.equal(await res.text(), '<p>hi</p>');

    res = await fetch(`${base}/metrics`);
    assert.equal(res.status, 299);
    assert.equal(await res.text(), 'passed through');
  });
});

test('Router over HTTP: prebuilt body chunks with an ETag; If-None-Match gets 304 without a body', async () => {
  await withServer(async (base) => {
    let res = await fetch(`${base}/api/v1/prebuilt`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('etag'), 'W/"7.prebuilt"');
    assert.equal(res.headers.get('cache-control'), 'no-cache');
    assert.equal(res.headers.get('vary'), 'accept-encoding');
    assert.equal(res.headers.get('content-length'), '12');
    assert.equal(await res.text(), '{"a":[1,2]}\n');

    res = await fetch(`${base}/api/v1/prebuilt`, { headers: { 'if-none-match': '"other", W/"7.prebuilt"' } });
    assert.equal(res.status, 304);
    assert.equal(res.headers.get('etag'), 'W/"7.prebuilt"');
    assert.equal(await res.text(), '');

    res = await fetch(`${base}/api/v1/prebuilt`, { headers: { 'if-none-match': 'W/"6.prebuilt"' } });
    assert.equal(res.status, 200, 'an older tag gets the body');

    res = await fetch(`${base}/api/v1/prebuilt`, { method: 'HEAD' });
    assert.equal(res.headers.get('content-length'), '12');
    assert.equal(await res.text(), '');

    res = await fetch(`${base}/api/v1/things`);
    assert.equal(res.headers.get('cache-control'), 'no-store', 'answers without an ETag are not kept');
    assert.equal(res.headers.get('etag'), null);
  });
});

const ETAG_CASES: ReadonlyArray<{ name: string; header: string | undefined; want: boolean }> = [
  { name: 'absent', header: undefined, want: false },
  { name: 'same weak tag', header: 'W/"1.a"', want: true },
  { name: 'strong form of the weak tag (weak comparison)', header: '"1.a"', want: true },
  { name: 'in a list', header: '"x", W/"1.a" , "y"', want: true },
  { name: 'star', header: '*', want: true },
  { name: 'other tag', header: 'W/"2.a"', want: false },
  { name: 'prefix only', header: 'W/"1.', want: false },
  { name: 'empty', header: '', want: false },
];

for (const c of ETAG_CASES) {
  test(`etagMatches: ${c.name}`, () => {
    assert.equal(etagMatches(c.header, 'W/"1.a"'), c.want);
  });
}
