import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RecordingLogger, type Snapshot } from '@slurmscope/model';
import { PrometheusExporter, renderText } from './exporter.js';
import { MetricsServer, parseListenAddress } from './server.js';

const DESC = { name: 'slurmscope_node_jobs', help: 'Jobs on the node.', type: 'gauge', labelNames: ['node'] } as const;
const SNAP: Snapshot = { timestampMs: 1, families: [{ ...DESC, samples: [{ labels: { node: 'n1' }, value: 2 }] }] };

async function withServer(
  fn: (base: string, server: MetricsServer, log: RecordingLogger) => Promise<void>,
): Promise<void> {
  const log = new RecordingLogger();
  const exporter = new PrometheusExporter({ families: [DESC], read: () => SNAP });
  const server = new MetricsServer({ listen: '127.0.0.1:0', exporter, log, title: 'slurmscope agent on n1' });
  const { port } = await server.start();
  try {
    await fn(`http://127.0.0.1:${port}`, server, log);
  } finally {
    await server.close();
  }
}

test('parseListenAddress: named cases', () => {
  const good: Array<[string, string, number]> = [
    ['127.0.0.1:9817', '127.0.0.1', 9817],
    [':9817', '', 9817],
    ['[::1]:0', '::1', 0],
    ['localhost:80', 'localhost', 80],
  ];
  for (const [text, host, port] of good) assert.deepEqual(parseListenAddress(text), { host, port }, text);
  for (const bad of ['9817', '127.0.0.1', 'host:port', '::1:9817', 'a b:1', 'h:65536', '']) {
    assert.throws(() => parseListenAddress(bad), /is not "host:port"/, bad);
  }
});

test('MetricsServer: a real scrape of /metrics equals renderText', async () => {
  await withServer(async (base) => {
    const res = await fetch(`${base}/metrics`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4; charset=utf-8$/);
    assert.equal(await res.text(), await renderText(SNAP, [DESC]));
  });
});

test('MetricsServer: index, 404, 405', async () => {
  await withServer(async (base) => {
    const index = await fetch(`${base}/`);
    assert.equal(index.status, 200);
    assert.match(await index.text(), /^slurmscope agent on n1\n\n\/metrics /);
    assert.equal((await fetch(`${base}/nope`)).status, 404);
    const post = await fetch(`${base}/metrics`, { method: 'POST', body: 'x' });
    assert.equal(post.status, 405);
    assert.equal(post.headers.get('allow'), 'GET, HEAD');
    const head = await fetch(`${base}/metrics`, { method: 'HEAD' });
    assert.equal(head.status, 200);
  });
});

test('MetricsServer: extra handlers run first, for any method; a failing one answers 500', async () => {
  await withServer(async (base, server, log) => {
    server.use((req, res) => {
      if (!req.url?.startsWith('/api/')) return false;
      res.writeHead(201, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ method: req.method }));
      return true;
    }, '/api/     JSON API');
    server.use(async (req) => {
      if (req.url === '/boom') throw new Error('kaputt');
      return false;
    });
    const api = await fetch(`${base}/api/report`, { method: 'POST', body: '{}' });
    assert.equal(api.status, 201);
    assert.deepEqual(await api.json(), { method: 'POST' });
    assert.match(await (await fetch(`${base}/`)).text(), /\/api\/ {5}JSON API/);
    const boom = await fetch(`${base}/boom`);
    assert.equal(boom.status, 500);
    assert.match(await boom.text(), /kaputt/);
    assert.ok(log.records.some((r) => r.level === 'error' && r.msg === 'request failed'));
    assert.equal((await fetch(`${base}/metrics`)).status, 200);
  });
});

test('MetricsServer: a port in use is rejected with the address in the message', async () => {
  await withServer(async (_base, server) => {
    const port = server.address?.port;
    const log = new RecordingLogger();
    const exporter = new PrometheusExporter({ families: [], read: () => undefined });
    const second = new MetricsServer({ listen: `127.0.0.1:${port}`, exporter, log });
    await assert.rejects(
      second.start(),
      new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}: address already in use`),
    );
    await second.close();
  });
});

test('MetricsServer: a bad listen address fails at construction', () => {
  const exporter = new PrometheusExporter({ families: [], read: () => undefined });
  assert.throws(
    () => new MetricsServer({ listen: 'nope', exporter, log: new RecordingLogger() }),
    /is not "host:port"/,
  );
});
