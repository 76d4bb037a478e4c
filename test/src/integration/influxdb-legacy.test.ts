// The stack's real InfluxDB 1.6.7 has no v2 write API (it came with 1.8): an agent pointed at it
// must say so in one error line and keep its points (bounded spool) instead of dropping them, and
// a correct store must then get every point. With `api: v1` (/write?db=&rp=) the same sink writes
// to it, and the points are read back with InfluxQL. Also the exporter against a dead port.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { InfluxSink, type InfluxSinkOptions } from '@slurmscope/influxdb';
import { RecordingLogger, type Snapshot } from '@slurmscope/model';
import { freePort, loadStack, waitFor } from '../lib/index.js';

const stack = loadStack();

const snapshot = (t: number): Snapshot => ({
  timestampMs: t,
  families: [
    {
      name: 'slurmscope_job_cpus',
      help: 'CPUs',
      type: 'gauge',
      labelNames: ['jobid', 'node'],
      samples: [{ labels: { jobid: String(t % 100000), node: 'legacy' }, value: 4 }],
    },
  ],
});

async function openSink(
  url: string,
  dir: string,
  log: RecordingLogger,
  over: Partial<InfluxSinkOptions> = {},
): Promise<InfluxSink> {
  return InfluxSink.open({
    url,
    org: '',
    bucket: stack.influxdbDatabase,
    batchSize: 10,
    flushIntervalMs: 50,
    timeoutMs: 2000,
    spoolDir: join(dir, 'spool'),
    spoolMaxBytes: 1 << 20,
    log,
    retryBaseMs: 50,
    retryMaxMs: 200,
    ...over,
  });
}

/** Runs one InfluxQL statement through 1.x's /query and returns its first result's first series. */
async function influxql(q: string, db?: string): Promise<{ columns: string[]; values: unknown[][] } | undefined> {
  const params = new URLSearchParams({ q, epoch: 'ms', ...(db ? { db } : {}) });
  const res = await fetch(`${stack.urls.influxdb}/query`, {
    method: 'POST',
    body: params,
    signal: AbortSignal.timeout(10_000),
  });
  const body = (await res.json()) as {
    results?: Array<{ error?: string; series?: Array<{ columns: string[]; values: unknown[][] }> }>;
  };
  assert.equal(res.status, 200, JSON.stringify(body));
  const result = body.results?.[0];
  assert.equal(result?.error, undefined, `${q}: ${JSON.stringify(body)}`);
  return result?.series?.[0];
}

test(
  'api v1 to InfluxDB 1.6.7: points arrive through /write and are read back with InfluxQL',
  { timeout: 60_000 },
  async (t) => {
    const database = 'slurmscope_v1_test';
    await influxql(`CREATE DATABASE ${database}`);
    const dir = mkdtempSync(join(tmpdir(), 'influx-v1-'));
    const log = new RecordingLogger();
    const sink = await openSink(stack.urls.influxdb, dir, log, { api: 'v1', database, retentionPolicy: 'autogen' });
    t.after(async () => {
      await sink.shutdown();
      rmSync(dir, { recursive: true, force: true });
    });
    const t0 = Date.now();
    for (let i = 0; i < 5; i++) await sink.export(snapshot(t0 + i));
    await sink.flush();
    assert.equal(sink.counts.written, 5, JSON.stringify(log.records));
    assert.equal(sink.pendingPoints, 0);
    const jobids = Array.from({ length: 5 }, (_, i) => `'${(t0 + i) % 100000}'`);
    const series = await influxql(
      `SELECT cpus, jobid FROM "autogen"."slurmscope_job" WHERE node = 'legacy' AND time >= ${t0}ms AND (${jobids.map((j) => `jobid = ${j}`).join(' OR ')})`,
      database,
    );
    assert.deepEqual(series?.columns, ['time', 'cpus', 'jobid']);
    assert.deepEqual(
      series?.values,
      Array.from({ length: 5 }, (_, i) => [t0 + i, 4, String((t0 + i) % 100000)]),
      'every point, at its millisecond, with its tags',
    );
    assert.deepEqual(
      log.records.filter((r) => r.level !== 'debug' && r.level !== 'info'),
      [],
    );
  },
);

test(
  'api v1 to a database that does not exist: one error naming it, points spooled',
  { timeout: 60_000 },
  async (t) => {
    const database = `slurmscope_absent_${process.pid}`;
    const dir = mkdtempSync(join(tmpdir(), 'influx-v1-absent-'));
    const log = new RecordingLogger();
    const sink = await openSink(stack.urls.influxdb, dir, log, { api: 'v1', database });
    t.after(async () => {
      await sink.shutdown();
      rmSync(dir, { recursive: true, force: true });
    });
    await sink.export(snapshot(Date.now()));
    await sink.flush();
    await waitFor(() => sink.counts.retries >= 2, { timeoutMs: 20_000, what: 'two refused writes' });
    const errors = log.records.filter((r) => r.level === 'error');
    assert.equal(errors.length, 1, JSON.stringify(log.records));
    assert.match((errors[0]!.fields as { err: string }).err, new RegExp(`database "${database}" does not exist`));
    assert.equal(sink.counts.spooled, 1);
    assert.equal(sink.counts.rejected, 0);
  },
);

test(
  'InfluxDB 1.6.7 (no /api/v2/write): one clear error, points spooled, none dropped',
  { timeout: 60_000 },
  async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'influx-legacy-'));
    const log = new RecordingLogger();
    const sink = await openSink(stack.urls.influxdb, dir, log);
    t.after(async () => {
      await sink.shutdown();
      rmSync(dir, { recursive: true, force: true });
    });
    const t0 = Date.now();
    for (let i = 0; i < 5; i++) await sink.export(snapshot(t0 + i));
    await sink.flush();
    await waitFor(() => sink.counts.retries >= 3, { timeoutMs: 20_000, what: 'three refused writes' });
    const errors = log.records.filter((r) => r.level === 'error');
    assert.equal(errors.length, 1, JSON.stringify(log.records));
    assert.equal((errors[0]!.fields as { status?: number }).status, 404);
    assert.match(
      (errors[0]!.fields as { err: string }).err,
      /this server has no \/api\/v2\/write \(InfluxDB before 1\.8\?\): set influxdb\.api: v1/,
    );
    assert.equal(sink.counts.rejected, 0, 'nothing dropped');
    assert.equal(sink.counts.written, 0);
    assert.equal(sink.counts.spooled, 5, 'every point kept on disk');
  },
);

test('a port nobody listens on: a warning naming the error, points spooled', { timeout: 60_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'influx-dead-'));
  const log = new RecordingLogger();
  const sink = await openSink(`http://127.0.0.1:${await freePort()}`, dir, log);
  t.after(async () => {
    await sink.shutdown();
    rmSync(dir, { recursive: true, force: true });
  });
  await sink.export(snapshot(Date.now()));
  await sink.flush();
  await waitFor(() => sink.counts.retries >= 2, { timeoutMs: 20_000, what: 'two failed writes' });
  const warnings = log.records.filter((r) => r.level === 'warn');
  assert.equal(warnings.length, 1);
  assert.match((warnings[0]!.fields as { err: string }).err, /ECONNREFUSED/);
  assert.equal(sink.counts.spooled, 1);
  assert.equal(sink.counts.rejected, 0);
});
