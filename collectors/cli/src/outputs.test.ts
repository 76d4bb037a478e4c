import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, validate } from '@slurmscope/common';
import { RecordingLogger, scalarFamily } from '@slurmscope/model';
import { openOutputs } from './outputs.js';

test('openOutputs: without influxdb.url only the exposition, no sink', async () => {
  const config = validate('ctld', {}, '(test)');
  const out = await openOutputs({
    influxdb: config.influxdb,
    defaultSpoolDir: '/nonexistent',
    log: new RecordingLogger(),
  });
  assert.deepEqual(out.sinks, []);
  const exposition = out.exposition({
    families: [],
    read: () => ({ timestampMs: 1, families: [scalarFamily('slurmscope_ctld_cycles_total', 'h', 'counter', 2)] }),
  });
  assert.match(await exposition.metrics(), /^slurmscope_ctld_cycles_total 2$/m);
});

test('openOutputs: influxdb.url opens one InfluxDB sink (token file, default spool dir) that writes line protocol', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'cli-outputs-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const requests: Array<{ url: string; headers: IncomingHttpHeaders; body: string }> = [];
  const store = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      requests.push({ url: req.url ?? '', headers: req.headers, body });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => store.listen(0, '127.0.0.1', r));
  t.after(() => new Promise((r) => store.close(r)));
  const tokenFile = join(dir, 'influx.token');
  writeFileSync(tokenFile, 'tok\n', { mode: 0o600 });
  const url = `http://127.0.0.1:${(store.address() as AddressInfo).port}`;
  const config = validate('agent', { influxdb: { url, tokenFile, bucket: 'b', org: 'o' } }, '(test)');
  const out = await openOutputs({
    influxdb: config.influxdb,
    defaultSpoolDir: join(dir, 'spool'),
    log: new RecordingLogger(),
  });
  assert.equal(out.sinks.length, 1);
  const [sink] = out.sinks;
  await sink!.export({
    timestampMs: 1000,
    families: [scalarFamily('slurmscope_ctld_cycles_total', 'h', 'counter', 3)],
  });
  await sink!.shutdown();
  assert.deepEqual(
    requests.map((r) => [r.url, r.headers.authorization, r.body]),
    [['/api/v2/write?org=o&bucket=b&precision=ms', 'Token tok', 'slurmscope_ctld cycles_total=3 1000']],
  );
  assert.ok(existsSync(join(dir, 'spool')), 'the spool is in the default directory');
  assert.ok(sink!.metrics?.().some((f) => f.name === 'slurmscope_influx_points_written_total'));
});

test('openOutputs: a list of outputs fans out, each with its own spool under <default>/<name>; v1 with basic auth', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'cli-outputs-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const requests: Array<{ url: string; auth: string | undefined; body: string }> = [];
  const store = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      requests.push({ url: req.url ?? '', auth: req.headers.authorization, body });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => store.listen(0, '127.0.0.1', r));
  t.after(() => new Promise((r) => store.close(r)));
  const dead = createServer();
  await new Promise<void>((r) => dead.listen(0, '127.0.0.1', r));
  const deadUrl = `http://127.0.0.1:${(dead.address() as AddressInfo).port}`;
  await new Promise((r) => dead.close(r));
  const passwordFile = join(dir, 'influx.password');
  writeFileSync(passwordFile, 'pw-secret\n', { mode: 0o600 });
  const url = `http://127.0.0.1:${(store.address() as AddressInfo).port}`;
  const config = validate(
    'ctld',
    {
      influxdb: [
        { name: 'legacy', url, api: 'v1', database: 'db', user: 'w', passwordFile },
        { url: deadUrl, timeout: '500ms' },
      ],
    },
    '(test)',
  );
  const log = new RecordingLogger();
  const out = await openOutputs({ influxdb: config.influxdb, defaultSpoolDir: join(dir, 'spool'), log });
  assert.equal(out.sinks.length, 1, 'one sink in front of both outputs');
  const [sink] = out.sinks;
  await sink!.export({
    timestampMs: 1000,
    families: [scalarFamily('slurmscope_ctld_cycles_total', 'h', 'counter', 3)],
  });
  await sink!.flush();
  assert.deepEqual(requests, [
    {
      url: '/write?db=db&precision=ms',
      auth: `Basic ${Buffer.from('w:pw-secret').toString('base64')}`,
      body: 'slurmscope_ctld cycles_total=3 1000',
    },
  ]);
  const spooled = sink!.metrics?.().find((f) => f.name === 'slurmscope_influx_points_spooled_total');
  assert.deepEqual(spooled?.samples, [
    { labels: { output: 'legacy' }, value: 0 },
    { labels: { output: '1' }, value: 1 },
  ]);
  await sink!.shutdown();
  assert.ok(existsSync(join(dir, 'spool', 'legacy')) && existsSync(join(dir, 'spool', '1')), 'a spool per output');
  assert.ok(!JSON.stringify(log.records).includes('pw-secret'));
  assert.ok(log.records.some((r) => r.level === 'warn' && /ECONNREFUSED/.test(JSON.stringify(r.fields))));
});

test('openOutputs: a user without a password is a ConfigError naming the key', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'cli-outputs-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const config = validate(
    'agent',
    { influxdb: [{ url: 'http://127.0.0.1:1' }, { url: 'http://127.0.0.1:1', api: 'v1', database: 'd', user: 'u' }] },
    '(test)',
  );
  await assert.rejects(
    openOutputs({
      influxdb: config.influxdb,
      defaultSpoolDir: dir,
      log: new RecordingLogger(),
      env: {},
    }),
    (err: unknown) => err instanceof ConfigError && err.key === 'influxdb.1.passwordFile',
  );
});
