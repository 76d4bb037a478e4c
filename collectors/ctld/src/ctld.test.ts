// ctld in-process against a fake Slurm: shell scripts in a binDir that print the captured 22.05
// outputs and log every run, so the test counts real command executions.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, ctldConfigSchema, parseDuration, type NodeReport } from '@slurmscope/common';
import { InMemorySink, RecordingLogger, waitUntil, type Sink } from '@slurmscope/model';
import { prometheusExposition } from '@slurmscope/prometheus';
import { loadTls } from './api/server.js';
import { startCtld, type CtldHandle } from './ctld.js';
import { fakeSlurmBin, type FakeSlurm } from './slurm/fake-slurm.js';
import type { Webjob } from './webjobs.js';

const CLEANUPS = new WeakMap<TestContext, Array<() => unknown>>();

/** Cleanup steps of a test, run in list order after it (ctld is stopped before its files go). */
function cleanups(t: TestContext): Array<() => unknown> {
  let list = CLEANUPS.get(t);
  if (list === undefined) {
    const steps: Array<() => unknown> = [];
    list = steps;
    CLEANUPS.set(t, steps);
    t.after(async () => {
      for (const step of steps) await step();
    });
  }
  return list;
}

function fakeSlurm(t: TestContext): FakeSlurm {
  const dir = mkdtempSync(join(tmpdir(), 'ctld-fake-slurm-'));
  cleanups(t).push(() => rmSync(dir, { recursive: true, force: true }));
  return fakeSlurmBin(dir);
}

async function start(
  t: TestContext,
  slurm: FakeSlurm,
  extra: Record<string, unknown> = {},
  sinks: readonly Sink[] = [],
): Promise<{ ctld: CtldHandle; base: string; log: RecordingLogger }> {
  const tokenFile = join(slurm.dir, 'agent.token');
  writeFileSync(tokenFile, 'agent-tok\n', { mode: 0o600 });
  const { interval = '200ms', ...rest } = extra as { interval?: string };
  // Cycles of 200 ms, below the schema's 1 s floor, keep these tests short: set after validation.
  const config = {
    ...ctldConfigSchema.parse({
      api: { listen: '127.0.0.1:0' },
      slurm: { binDir: slurm.binDir, timeout: '5s' },
      reports: { dir: join(slurm.dir, 'reports') },
      stateDir: join(slurm.dir, 'state'),
      auth: { agentTokenFile: tokenFile },
      ...rest,
    }),
    interval: parseDuration(interval),
  };
  const log = new RecordingLogger();
  const ctld = await startCtld({
    config,
    log,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    exposition: prometheusExposition(log),
    sinks,
  });
  cleanups(t).unshift(() => ctld.stop());
  return { ctld, base: `http://127.0.0.1:${ctld.address.port}`, log };
}

test('ctld: 200 concurrent API and /metrics requests cause zero extra Slurm command runs', async (t) => {
  const slurm = fakeSlurm(t);
  const { ctld, base } = await start(t, slurm, { interval: '1h' });
  await waitUntil('the first cycle', () => ctld.view());
  const before = slurm.calls();
  assert.deepEqual(
    [...before].sort(),
    [
      'scontrol --version',
      'scontrol show config',
      'scontrol show partition -o',
      'sdiag ',
      'sinfo --json',
      `squeue ${before.find((c) => c.startsWith('squeue'))?.slice(7)}`,
    ].sort(),
    'one poll: version once, then nodes, jobs, partitions, sdiag, config',
  );
  const paths = ['/api/v1/availability', '/api/v1/webjobs', '/api/v1/jobs/1', '/metrics', '/api/v1/reports', '/'];
  const statuses = await Promise.all(
    Array.from({ length: 200 }, async (_, i) => {
      const res = await fetch(`${base}${paths[i % paths.length]}`);
      await res.arrayBuffer();
      return res.status;
    }),
  );
  assert.deepEqual([...new Set(statuses)].sort(), [200, 401], 'reports are 401 without credentials; the rest 200');
  assert.deepEqual(slurm.calls(), before, 'no Slurm command ran for any reader');
  assert.equal(ctld.poller.polls, 1);
  const metrics = await (await fetch(`${base}/metrics`)).text();
  assert.match(metrics, /^slurmscope_slurm_commands_total\{command="nodes"\} 1$/m);
  assert.match(metrics, /^slurmscope_partition_cpus\{partition="batch",state="idle"\} \d+$/m);
  assert.match(metrics, /^slurmscope_slurm_snapshot_age_seconds \d/m);
});

test('ctld: a failed poll serves the last snapshot with its age and the stale flag, then recovers', async (t) => {
  const slurm = fakeSlurm(t);
  const { ctld, base } = await start(t, slurm);
  await waitUntil('the first cycle', () => ctld.view());
  slurm.fail(true);
  const stale = await waitUntil('a stale answer', async () => {
    const body = (await (await fetch(`${base}/api/v1/availability`)).json()) as {
      stale: boolean;
      error?: string;
      snapshotAgeSeconds: number;
      partitions: Array<{ partition: string }>;
    };
    // Stale with the poll's error (a slow poll alone can also make a 200 ms snapshot stale).
    return body.stale && body.error !== undefined ? body : undefined;
  });
  assert.match(stale.error ?? '', /Unable to contact slurm controller/);
  assert.ok(
    stale.partitions.some((p) => p.partition === 'batch'),
    'the last good snapshot is still served',
  );
  const metrics = await (await fetch(`${base}/metrics`)).text();
  assert.match(metrics, /^slurmscope_slurm_snapshot_stale 1$/m);
  assert.match(metrics, /^slurmscope_slurm_poll_errors_total [1-9]/m);
  slurm.fail(false);
  await waitUntil('a fresh answer', async () => {
    const body = (await (await fetch(`${base}/api/v1/availability`)).json()) as { stale: boolean };
    return body.stale ? undefined : body;
  });
});

test('ctld: during a hung poll /metrics and the API say stale together (one source), and fresh again after', async (t) => {
  const slurm = fakeSlurm(t);
  const { ctld, base } = await start(t, slurm, { slurm: { binDir: slurm.binDir, timeout: '30s' } });
  t.after(() => slurm.hang(false));
  await waitUntil('the first cycle', () => ctld.view());
  const both = async (): Promise<{ api: boolean; metrics: string | undefined }> => {
    const body = (await (await fetch(`${base}/api/v1/availability`)).json()) as { stale: boolean; error?: string };
    assert.equal(body.error, undefined, 'no poll failed: it hangs');
    const text = await (await fetch(`${base}/metrics`)).text();
    return { api: body.stale, metrics: /^slurmscope_slurm_snapshot_stale (\d)$/m.exec(text)?.[1] };
  };
  slurm.hang(true);
  // The poll now hangs (until the 30 s timeout): after 3 intervals of 200 ms the snapshot is stale.
  await waitUntil('a stale answer from the API', async () => ((await both()).api ? true : undefined));
  assert.deepEqual(await both(), { api: true, metrics: '1' }, '/metrics says what the API says');
  slurm.hang(false);
  await waitUntil('a fresh answer from both', async () => {
    const b = await both();
    return !b.api && b.metrics === '0' ? b : undefined;
  });
});

test('ctld: node reports become webjobs (imbalance) in the next cycle, on the API and /metrics', async (t) => {
  const slurm = fakeSlurm(t);
  const { ctld, base } = await start(t, slurm);
  await waitUntil('the first cycle', () => ctld.view());
  // Job 1 of the fixture runs on c2 and c3: burn on c2, idle on c3.
  const report = (node: string, util: number): NodeReport => ({
    version: 1,
    node,
    timestampMs: Date.now(),
    intervalMs: 1000,
    cpus: 2,
    power: {},
    jobs: [
      { jobid: '1', cpus: 1, cpuSeconds: 10, cpuUtilization: util, memoryUsedBytes: 5e6, gpuSeconds: 0, gpus: [] },
    ],
  });
  for (const [node, util] of [
    ['c2', 0.98],
    ['c3', 0.02],
  ] as const) {
    const res = await fetch(`${base}/api/v1/node-reports`, {
      method: 'POST',
      headers: { authorization: 'Bearer agent-tok', 'content-type': 'application/json' },
      body: JSON.stringify(report(node, util)),
    });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { scripts: [] });
  }
  const job = await waitUntil('job 1 with both nodes measured', async () => {
    const body = (await (await fetch(`${base}/api/v1/jobs/1`)).json()) as { job?: Webjob };
    return body.job?.nodes.every((n) => n.reported) ? body.job : undefined;
  });
  assert.ok(Math.abs((job.loadImbalance ?? 0) - 0.96 / 0.98) < 1e-9, String(job.loadImbalance));
  const metrics = await (await fetch(`${base}/metrics`)).text();
  const m = /^slurmscope_job_load_imbalance_ratio\{jobid="1"\} ([\d.]+)$/m.exec(metrics);
  assert.ok(m && Number(m[1]) > 0.9, metrics.slice(0, 500));
  assert.match(metrics, /^slurmscope_ctld_nodes_reporting 2$/m);
  assert.doesNotMatch(metrics, /slurmscope_partition_\w+\{[^}]*jobid=/, 'no jobid on cluster-level series');
});

test('ctld: refuses to listen beyond loopback without TLS, and serves HTTPS with a certificate', async (t) => {
  const cfg = (api: Record<string, string>) => ctldConfigSchema.parse({ api });
  for (const listen of ['0.0.0.0:9818', ':9818', '[::]:9818', '10.1.2.3:9818']) {
    assert.throws(
      () => loadTls(cfg({ listen })),
      (e: unknown) => e instanceof ConfigError && e.key === 'api.listen',
      listen,
    );
  }
  for (const listen of ['127.0.0.1:9818', 'localhost:9818', '[::1]:9818'])
    assert.equal(loadTls(cfg({ listen })), undefined);
  assert.throws(
    () => loadTls(cfg({ listen: '127.0.0.1:1', tlsCertFile: '/x' })),
    (e: unknown) => e instanceof ConfigError && e.key === 'api.tlsKeyFile',
  );
  assert.throws(
    () => loadTls(cfg({ listen: '127.0.0.1:1', tlsCertFile: '/nonexistent/c', tlsKeyFile: '/nonexistent/k' })),
    /api\.tlsCertFile.*ENOENT/,
  );

  const slurm = fakeSlurm(t);
  const cert = join(slurm.dir, 'cert.pem');
  const key = join(slurm.dir, 'key.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  const { ctld } = await start(t, slurm, { api: { listen: '127.0.0.1:0', tlsCertFile: cert, tlsKeyFile: key } });
  const body = await new Promise<string>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: ctld.address.port, path: '/', ca: readFileSync(cert) }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve(text));
    });
    req.on('error', reject);
    req.end();
  });
  assert.match(body, /<title>slurmscope ctld \(cluster capture\)<\/title>/);
});

test('ctld: each cycle goes to its sinks: two cycles in an in-memory sink, jobid only on per-job series; sinks shut down at stop', async (t) => {
  const sink = new InMemorySink();
  const slurm = fakeSlurm(t);
  const { ctld, base } = await start(t, slurm, {}, [sink]);
  const res = await fetch(`${base}/api/v1/node-reports`, {
    method: 'POST',
    headers: { authorization: 'Bearer agent-tok' },
    body: JSON.stringify({
      version: 1,
      node: 'c1',
      timestampMs: Date.now(),
      intervalMs: 1000,
      cpus: 2,
      power: {},
      jobs: [{ jobid: '2', cpus: 1, cpuSeconds: 1, cpuUtilization: 0.5, memoryUsedBytes: 1, gpuSeconds: 0, gpus: [] }],
    }),
  });
  assert.equal(res.status, 200);
  const perJob = (n: number) =>
    sink.snapshots[n]?.families.find((f) => f.name === 'slurmscope_job_cpu_efficiency_ratio')?.samples ?? [];
  const first = await waitUntil('a cycle with job 2 measured, and one more', () => {
    const i = sink.snapshots.findIndex((_, n) => perJob(n).some((s) => s.labels['jobid'] === '2'));
    return i >= 0 && sink.snapshots.length > i + 1 ? i : undefined;
  });
  const [a, b] = [sink.snapshots[first]!, sink.snapshots[first + 1]!];
  assert.ok(b.timestampMs > a.timestampMs, 'one snapshot per cycle, in order');
  const names = new Set(b.families.map((f) => f.name));
  for (const name of [
    'slurmscope_partition_available_cpus',
    'slurmscope_partition_available_gpus_by_type',
    'slurmscope_slurm_snapshot_stale',
    'slurmscope_slurm_commands_total',
    'slurmscope_ctld_cycles_total',
    'slurmscope_ctld_node_reports_total',
  ])
    assert.ok(names.has(name), `${name} in the sink`);
  const withJobid = b.families.filter((f) => f.samples.some((s) => s.labels['jobid'] !== undefined));
  assert.ok(withJobid.length > 0);
  assert.ok(
    withJobid.every((f) => f.name.startsWith('slurmscope_job_')),
    `jobid on a cluster-level series: ${withJobid.find((f) => !f.name.startsWith('slurmscope_job_'))?.name}`,
  );
  await ctld.stop();
  await assert.rejects(sink.export(b), /after shutdown/, 'ctld shut its sink down');
});
