import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RecordingLogger, type Snapshot } from '@slurmscope/model';
import { InfluxSink, type InfluxSinkOptions } from './sink.js';
import { FakeStore, waitFor } from './testing.js';

/** A snapshot of `n` series of one family at time `t` (one line each: distinct tag sets). */
const snap = (t: number, n = 2): Snapshot => ({
  timestampMs: t,
  families: [
    {
      name: 'slurmscope_job_cpus',
      help: 'h',
      type: 'gauge',
      labelNames: ['jobid'],
      samples: Array.from({ length: n }, (_, i) => ({ labels: { jobid: String(i) }, value: t })),
    },
  ],
});
const linesOf = (t: number, n = 2): string[] =>
  Array.from({ length: n }, (_, i) => `slurmscope_job,jobid=${i} cpus=${t} ${t}`);

async function setup(t: TestContext, store: FakeStore, over: Partial<InfluxSinkOptions> = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'slurmscope-sink-'));
  const log = new RecordingLogger();
  const options: InfluxSinkOptions = {
    url: store.url,
    token: 'secret-token',
    org: 'o',
    bucket: 'b',
    batchSize: 4,
    flushIntervalMs: 50,
    timeoutMs: 500,
    spoolDir: join(dir, 'spool'),
    spoolMaxBytes: 1 << 20,
    log,
    retryBaseMs: 20,
    retryMaxMs: 100,
    random: () => 1,
    ...over,
  };
  const sink = await InfluxSink.open(options);
  // Runs even when an assertion fails, so a failed test never leaves a server holding the process.
  t.after(async () => {
    await sink.shutdown();
    await store.stop();
    await rm(dir, { recursive: true });
  });
  return { sink, log, options };
}

test(
  'InfluxSink: batches by size and by flush interval, to /api/v2/write with the token',
  { timeout: 15_000 },
  async (ctx) => {
    const store = new FakeStore();
    await store.start();
    const { sink, log } = await setup(ctx, store);
    await sink.export(snap(1000, 3));
    await sink.export(snap(2000, 3));
    await waitFor(() => store.accepted.length === 6, 'both snapshots written');
    assert.deepEqual(
      store.requests.map((r) => r.lines.length),
      [4, 2],
      'a full batch at once, the rest after the flush interval',
    );
    assert.equal(store.requests[0]?.url, '/api/v2/write?org=o&bucket=b&precision=ms');
    assert.equal(store.requests[0]?.headers.authorization, 'Token secret-token');
    assert.deepEqual(store.accepted, [...linesOf(1000, 3), ...linesOf(2000, 3)]);
    await sink.export(snap(3000, 1));
    await sink.flush();
    assert.deepEqual(store.accepted.at(-1), linesOf(3000, 1)[0], 'flush() writes a partial batch at once');
    assert.equal(sink.counts.written, 7);
    assert.ok(!JSON.stringify(log.records).includes('secret-token'));
  },
);

test(
  'InfluxSink: 500s are retried with backoff through the spool, in order, none lost or doubled',
  { timeout: 15_000 },
  async (ctx) => {
    const store = new FakeStore();
    await store.start();
    store.answer = (i) => (i < 3 ? { status: 500, body: 'boom' } : { status: 204 });
    const { sink, log, options } = await setup(ctx, store);
    for (let t = 1; t <= 5; t++) await sink.export(snap(t * 1000));
    await sink.flush();
    await waitFor(() => sink.pendingPoints === 0, 'spool replayed');
    assert.deepEqual(
      store.accepted,
      [1, 2, 3, 4, 5].flatMap((t) => linesOf(t * 1000)),
    );
    const c = sink.counts;
    assert.equal(c.written, 10);
    assert.equal(c.retries, 3);
    assert.equal(c.replayed, c.spooled);
    assert.ok(c.spooled > 0);
    assert.deepEqual(await readdir(options.spoolDir), [], 'written chunks are removed');
    assert.equal(
      log.records.filter((r) => r.msg.startsWith('store unreachable')).length,
      1,
      'the outage is logged once',
    );
    assert.ok(log.records.some((r) => r.msg.startsWith('store reachable again')));
  },
);

test('InfluxSink: 429 waits at least Retry-After before the next attempt', { timeout: 15_000 }, async (ctx) => {
  const store = new FakeStore();
  await store.start();
  const times: number[] = [];
  store.answer = (i) => {
    times.push(Date.now());
    return i === 0 ? { status: 429, headers: { 'Retry-After': '1' } } : { status: 204 };
  };
  const { sink } = await setup(ctx, store, { retryMaxMs: 5000 });
  await sink.export(snap(1000));
  await sink.flush();
  await waitFor(() => store.accepted.length === 2, 'retried after Retry-After');
  assert.ok(times[1]! - times[0]! >= 950, `retried after ${times[1]! - times[0]!} ms`);
  assert.equal(sink.counts.retries, 1);
});

test(
  'InfluxSink: 400 drops the batch as rejected, logged once with status and body, never retried',
  { timeout: 15_000 },
  async (ctx) => {
    const store = new FakeStore();
    await store.start();
    store.answer = (i) =>
      i < 2
        ? { status: 400, body: '{"code":"invalid","message":"partial write: field type conflict"}' }
        : { status: 204 };
    const { sink, log } = await setup(ctx, store);
    await sink.export(snap(1000));
    await sink.flush();
    await sink.export(snap(2000));
    await sink.flush();
    await sink.export(snap(3000));
    await sink.flush();
    assert.equal(store.requests.length, 3);
    assert.deepEqual(store.accepted, linesOf(3000));
    assert.equal(sink.counts.rejected, 4);
    assert.equal(sink.counts.retries, 0);
    const errors = log.records.filter((r) => r.level === 'error');
    assert.equal(errors.length, 1);
    assert.match(JSON.stringify(errors[0]?.fields), /"status":400.*field type conflict/);
  },
);

test(
  'InfluxSink: 404 and 401 keep the points (spooled, logged once as an error) until the store accepts them',
  { timeout: 15_000 },
  async (ctx) => {
    const store = new FakeStore();
    await store.start();
    let answer: { status: number; body?: string } = { status: 404, body: '404 page not found' };
    store.answer = () => answer;
    const { sink, log } = await setup(ctx, store);
    await sink.export(snap(1000));
    await sink.flush();
    await waitFor(() => store.requests.length >= 3, 'retried while the bucket is missing');
    answer = { status: 401, body: '{"code":"unauthorized","message":"unauthorized access"}' };
    await sink.export(snap(2000));
    await sink.flush();
    await waitFor(() => store.requests.some((r) => r.status === 401), 'retried while the token is refused');
    assert.equal(sink.counts.rejected, 0, 'nothing dropped');
    assert.equal(store.accepted.length, 0);
    const errors = log.records.filter((r) => r.level === 'error');
    assert.equal(errors.length, 1, 'one error for the whole refusal, not one per retry');
    assert.match(
      (errors[0]?.fields as { err: string }).err,
      /this server has no \/api\/v2\/write \(InfluxDB before 1\.8\?\): set influxdb\.api: v1/,
    );
    assert.match(errors[0]!.msg, /admin/);
    // The admin fixes it: every point arrives, once, oldest first.
    answer = { status: 204 };
    await waitFor(() => store.accepted.length === 4, 'the spool replayed');
    assert.deepEqual(store.accepted, [...linesOf(1000), ...linesOf(2000)]);
    assert.equal(sink.counts.rejected, 0);
  },
);

test(
  'InfluxSink: a hanging store times out, points are spooled and replayed once it answers',
  { timeout: 15_000 },
  async (ctx) => {
    const store = new FakeStore();
    await store.start();
    let hang = true;
    store.answer = () => (hang ? 'hang' : { status: 204 });
    const { sink } = await setup(ctx, store, { timeoutMs: 150 });
    await sink.export(snap(1000));
    await sink.flush();
    assert.equal(sink.counts.spooled, 2, 'flush resolves once the points are in the spool');
    for (let t = 2; t <= 4; t++) await sink.export(snap(t * 1000));
    await sink.flush();
    await waitFor(() => sink.counts.retries >= 2, 'a second timed-out attempt');
    hang = false;
    await waitFor(() => sink.pendingPoints === 0, 'replayed');
    assert.deepEqual(
      store.accepted,
      [1, 2, 3, 4].flatMap((t) => linesOf(t * 1000)),
    );
  },
);

test(
  'InfluxSink: the spool survives a restart and is replayed first on the next start',
  { timeout: 15_000 },
  async (ctx) => {
    const store = new FakeStore();
    await store.start();
    const port = store.port;
    await store.stop();
    const first = await setup(ctx, store);
    for (let t = 1; t <= 3; t++) await first.sink.export(snap(t * 1000));
    await first.sink.shutdown();
    assert.equal(first.sink.counts.spooled, 6);
    await assert.rejects(first.sink.export(snap(9000)), /after shutdown/);
    await store.start(port);
    // Slow answers keep the replay in flight while live points arrive: they must wait their turn.
    store.answer = () => ({ status: 204, delayMs: 50 });
    const second = await InfluxSink.open({ ...first.options, log: new RecordingLogger() });
    await second.export(snap(4000));
    await second.flush();
    await waitFor(() => second.pendingPoints === 0, 'spool and live points written');
    assert.deepEqual(
      store.accepted,
      [1, 2, 3, 4].flatMap((t) => linesOf(t * 1000)),
      'old points first',
    );
    assert.equal(second.counts.written, 8);
    assert.equal(second.counts.replayed, 8, 'live points queued behind the replay went through the spool');
    await second.shutdown();
  },
);

test(
  'InfluxSink: the spool bound drops the oldest points and counts them; the rest arrive',
  { timeout: 15_000 },
  async (ctx) => {
    const store = new FakeStore();
    await store.start();
    const port = store.port;
    await store.stop();
    const lineBytes = Buffer.byteLength(linesOf(1000)[0]! + '\n');
    // No retry while spooling (one long backoff), so no chunk is in flight when the bound acts.
    const first = await setup(ctx, store, {
      spoolMaxBytes: lineBytes * 4 * 2 + 10,
      retryBaseMs: 60_000,
      retryMaxMs: 60_000,
    });
    for (let t = 1; t <= 6; t++) {
      await first.sink.export(snap(t * 1000));
      await first.sink.flush();
    }
    assert.equal(first.sink.counts.dropped.spool_full, 4);
    assert.equal(first.sink.counts.spooled, 12);
    assert.equal(first.sink.counts.retries, 1);
    await first.sink.shutdown();
    await store.start(port);
    const { options } = first;
    const sink = await InfluxSink.open({ ...options, log: new RecordingLogger() });
    await waitFor(() => sink.pendingPoints === 0, 'replayed', 5000);
    await sink.shutdown();
    assert.deepEqual(
      store.accepted,
      [3, 4, 5, 6].flatMap((t) => linesOf(t * 1000)),
    );
    const fams = Object.fromEntries(sink.metrics().map((f) => [f.name, f.samples]));
    assert.deepEqual(fams.slurmscope_influx_points_written_total, [{ labels: { output: '0' }, value: 8 }]);
    assert.deepEqual(fams.slurmscope_influx_points_replayed_total, [{ labels: { output: '0' }, value: 8 }]);
    assert.deepEqual(fams.slurmscope_influx_spool_points, [{ labels: { output: '0' }, value: 0 }]);
    assert.deepEqual(await readdir(options.spoolDir), []);
  },
);

/** A store that answers 413 to a body above `maxBytes` (InfluxDB's http.max-body-size), else 204. */
const tooLargeAbove =
  (maxBytes: number) =>
  (_i: number, bytes: number): { status: number; body?: string } =>
    bytes > maxBytes ? { status: 413, body: '{"code":"request too large"}' } : { status: 204 };

test(
  'InfluxSink: 413 splits the batch in halves down to one point; only a single point still too large is dropped and counted',
  { timeout: 15_000 },
  async (ctx) => {
    const store = new FakeStore();
    await store.start();
    const lineBytes = Buffer.byteLength(linesOf(1000)[0]! + '\n');
    store.answer = tooLargeAbove(lineBytes * 3);
    const { sink, log } = await setup(ctx, store, { batchSize: 8 });
    const huge: Snapshot = {
      timestampMs: 1000,
      families: [
        {
          name: 'slurmscope_job_cpus',
          help: 'h',
          type: 'gauge',
          labelNames: ['jobid'],
          samples: [{ labels: { jobid: 'x'.repeat(lineBytes * 4) }, value: 1 }],
        },
      ],
    };
    await sink.export(snap(1000, 5));
    await sink.export(huge);
    await sink.export(snap(2000, 2));
    await sink.flush();
    assert.deepEqual(store.accepted, [...linesOf(1000, 5), ...linesOf(2000, 2)], 'every other point arrives, in order');
    assert.equal(sink.counts.written, 7);
    assert.equal(sink.counts.dropped.too_large, 1, 'the single point above the limit');
    assert.equal(sink.counts.rejected, 0);
    assert.equal(sink.counts.retries, 0, 'a split is not a retry of the same body');
    assert.ok(sink.counts.splits >= 3, `splits: ${sink.counts.splits}`);
    assert.equal(sink.pendingPoints, 0);
    const fams = Object.fromEntries(sink.metrics().map((f) => [f.name, f.samples]));
    assert.deepEqual(fams.slurmscope_influx_write_splits_total, [
      { labels: { output: '0' }, value: sink.counts.splits },
    ]);
    assert.ok(
      fams.slurmscope_influx_points_dropped_total?.some((s) => s.labels['reason'] === 'too_large' && s.value === 1),
    );
    const errors = log.records.filter((r) => r.level === 'error');
    assert.equal(errors.length, 1);
    assert.match(errors[0]!.msg, /single point.*too large/);
    assert.match(JSON.stringify(errors[0]?.fields), /"status":413/);
  },
);

test('InfluxSink: a spooled batch answered 413 on replay is split too, none lost', { timeout: 15_000 }, async (ctx) => {
  const store = new FakeStore();
  await store.start();
  const lineBytes = Buffer.byteLength(linesOf(1000)[0]! + '\n');
  let up = false;
  store.answer = (i, bytes) => (up ? tooLargeAbove(lineBytes * 2)(i, bytes) : { status: 503 });
  const { sink } = await setup(ctx, store, { batchSize: 8, retryBaseMs: 50, retryMaxMs: 50 });
  for (let t = 1; t <= 4; t++) await sink.export(snap(t * 1000));
  await sink.flush();
  await waitFor(() => sink.counts.spooled === 8, 'spooled while the store is down');
  up = true;
  await waitFor(() => sink.pendingPoints === 0, 'replayed in halves');
  assert.deepEqual(
    store.accepted,
    [1, 2, 3, 4].flatMap((t) => linesOf(t * 1000)),
  );
  assert.equal(sink.counts.replayed, 8);
  assert.equal(sink.counts.dropped.too_large, 0);
  assert.ok(sink.counts.splits >= 2);
});

test(
  'InfluxSink: an outage in the middle of a split keeps the unsent half (live and on replay), none lost or doubled',
  { timeout: 15_000 },
  async (ctx) => {
    const store = new FakeStore();
    await store.start();
    // Per request: 413 to the whole batch, 204 to the first half, 503 to the second, then all is well.
    const script: number[] = [413, 204, 503, 503, 413, 204, 503];
    store.answer = (i) => ({ status: script[i] ?? 204 });
    const { sink } = await setup(ctx, store, { batchSize: 8 });
    await sink.export(snap(1000, 8));
    await sink.flush();
    assert.deepEqual(store.accepted, linesOf(1000, 4), 'the first half went through');
    assert.equal(sink.counts.spooled, 4, 'the second half waits in the spool');
    await waitFor(() => sink.pendingPoints === 0, 'the rest replayed');
    assert.deepEqual([...store.accepted].sort(), linesOf(1000, 8).sort());
    assert.equal(sink.counts.written, 8);
    assert.equal(sink.counts.splits, 2);
  },
);
