import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RecordingLogger, type Snapshot } from '@slurmscope/model';
import { FanoutSink } from './fanout.js';
import { InfluxSink, type InfluxSinkOptions } from './sink.js';
import { FakeStore, waitFor } from './testing.js';

// The v1 transport (`/write` of InfluxDB 1.x before 1.8) and several outputs behind one sink.

const snap = (t: number): Snapshot => ({
  timestampMs: t,
  families: [
    {
      name: 'slurmscope_node_power_watts',
      help: 'h',
      type: 'gauge',
      labelNames: ['node', 'source'],
      samples: [{ labels: { node: 'n1', source: 'rapl' }, value: t / 1000 }],
    },
  ],
});
const lineOf = (t: number): string => `slurmscope_node,node=n1,source=rapl power_watts=${t / 1000} ${t}`;

async function open(t: TestContext, store: FakeStore, over: Partial<InfluxSinkOptions> = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'slurmscope-v1-'));
  const log = new RecordingLogger();
  const sink = await InfluxSink.open({
    url: store.url,
    api: 'v1',
    database: 'metrics',
    org: '',
    bucket: 'unused',
    batchSize: 10,
    flushIntervalMs: 50,
    timeoutMs: 500,
    spoolDir: join(dir, 'spool'),
    spoolMaxBytes: 1 << 20,
    log,
    retryBaseMs: 20,
    retryMaxMs: 100,
    random: () => 1,
    ...over,
  });
  t.after(async () => {
    await sink.shutdown();
    await store.stop();
    await rm(dir, { recursive: true, force: true });
  });
  return { sink, log, spoolDir: join(dir, 'spool') };
}

test('v1: POST /write?db=&rp=&precision=ms, basic auth, line protocol; the password never logged', async (t) => {
  const store = new FakeStore();
  await store.start();
  store.answer = (i) => (i === 0 ? { status: 503, body: 'busy' } : { status: 204 });
  const { sink, log } = await open(t, store, { retentionPolicy: 'weekly', username: 'writer', password: 's3cret' });
  await sink.export(snap(1000));
  await sink.export(snap(2000));
  await sink.flush();
  await waitFor(() => store.accepted.length === 2, 'written after one 503');
  assert.equal(store.requests[0]?.url, '/write?db=metrics&rp=weekly&precision=ms');
  assert.equal(store.requests[0]?.headers.authorization, `Basic ${Buffer.from('writer:s3cret').toString('base64')}`);
  assert.equal(store.requests[0]?.headers['content-type'], 'text/plain; charset=utf-8');
  assert.deepEqual(store.accepted, [lineOf(1000), lineOf(2000)]);
  assert.equal(sink.counts.retries, 1, 'the 503 was retried');
  const logged = JSON.stringify(log.records);
  assert.ok(!logged.includes('s3cret') && !logged.includes(Buffer.from('writer:s3cret').toString('base64')));
});

test('v1: a token goes in Authorization: Token; no rp without retentionPolicy', async (t) => {
  const store = new FakeStore();
  await store.start();
  const { sink } = await open(t, store, { token: 'user:pw' });
  await sink.export(snap(1000));
  await sink.flush();
  assert.equal(store.requests[0]?.url, '/write?db=metrics&precision=ms');
  assert.equal(store.requests[0]?.headers.authorization, 'Token user:pw');
});

test('v1: "database not found" keeps the points and names the database; 400 drops as rejected', async (t) => {
  const store = new FakeStore();
  await store.start();
  let answer = { status: 404, body: '{"error":"database not found: \\"metrics\\""}' };
  store.answer = () => answer;
  const { sink, log } = await open(t, store);
  await sink.export(snap(1000));
  await sink.flush();
  await waitFor(() => store.requests.length >= 2, 'retried while the database is missing');
  const errors = log.records.filter((r) => r.level === 'error');
  assert.equal(errors.length, 1);
  assert.match((errors[0]!.fields as { err: string }).err, /database "metrics" does not exist/);
  assert.equal(sink.counts.rejected, 0);
  answer = { status: 204, body: '' };
  await waitFor(() => store.accepted.length === 1, 'replayed once the database exists');
  answer = { status: 400, body: '{"error":"partial write: field type conflict"}' };
  await sink.export(snap(2000));
  await sink.flush();
  assert.equal(sink.counts.rejected, 1);
  assert.deepEqual(store.accepted, [lineOf(1000)]);
});

test('v1: a hanging /write times out after timeoutMs and the points are spooled, then written', async (t) => {
  const store = new FakeStore();
  await store.start();
  let hang = true;
  store.answer = () => (hang ? 'hang' : { status: 204 });
  const { sink } = await open(t, store, { timeoutMs: 150 });
  const started = Date.now();
  await sink.export(snap(1000));
  await sink.flush();
  const took = Date.now() - started;
  assert.ok(took >= 140 && took < 2000, `flush returned after the timeout (${took} ms)`);
  assert.equal(sink.counts.spooled, 1);
  hang = false;
  await waitFor(() => sink.pendingPoints === 0, 'replayed');
  assert.deepEqual(store.accepted, [lineOf(1000)]);
});

test('FanoutSink: one output down spools its own points; the other still receives every point', async (t) => {
  const up = new FakeStore();
  const down = new FakeStore();
  await up.start();
  await down.start();
  await down.stop(); // a port nobody listens on
  const a = await open(t, up, { output: 'up' });
  const b = await open(t, down, { output: 'down', api: 'v2', bucket: 'b' });
  const fan = new FanoutSink([a.sink, b.sink]);
  for (let i = 1; i <= 3; i++) await fan.export(snap(i * 1000));
  await fan.flush();
  assert.deepEqual(up.accepted, [lineOf(1000), lineOf(2000), lineOf(3000)]);
  assert.equal(b.sink.counts.spooled, 3);
  assert.ok((await readdir(b.spoolDir)).length > 0, 'the down output spools in its own directory');
  assert.deepEqual(await readdir(a.spoolDir), [], "the up output's spool stays empty");
  const written = fan.metrics().filter((f) => f.name === 'slurmscope_influx_points_written_total');
  assert.equal(written.length, 1, 'one family per name');
  assert.deepEqual(written[0]!.samples, [
    { labels: { output: 'up' }, value: 3 },
    { labels: { output: 'down' }, value: 0 },
  ]);
  const spooled = fan.metrics().find((f) => f.name === 'slurmscope_influx_spool_points')!;
  assert.deepEqual(spooled.samples, [
    { labels: { output: 'up' }, value: 0 },
    { labels: { output: 'down' }, value: 3 },
  ]);
});
