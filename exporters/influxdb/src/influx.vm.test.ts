// Integration test against a real VictoriaMetrics: steady load, the store stopped for
// SLURMSCOPE_OUTAGE_MS (default 2 minutes), restarted on the same port and data directory,
// then every point is counted through the export API: zero lost, none doubled.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RecordingLogger, type MetricFamily, type Snapshot } from '@slurmscope/model';
import { InfluxSink } from './sink.js';
import { waitFor } from './testing.js';

const VM_BIN = process.env.SLURMSCOPE_VM_BIN ?? '/usr/bin/victoria-metrics';
const OUTAGE_MS = Number(process.env.SLURMSCOPE_OUTAGE_MS ?? 120_000);
/** How the store is stopped; SIGKILL also loses VictoriaMetrics' own unflushed last second. */
const OUTAGE_SIGNAL = (process.env.SLURMSCOPE_OUTAGE_SIGNAL ?? 'SIGTERM') as NodeJS.Signals;
const PERIOD_MS = 100;
const SERIES = 25; // two families of 25 series: 50 samples (25 lines) per snapshot

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A VictoriaMetrics process on a fixed port and data directory that can be stopped and started again. */
class Victoria {
  private child: ChildProcess | undefined;
  private stderr = '';
  constructor(
    readonly port: number,
    private readonly dataDir: string,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const args = [
      `-httpListenAddr=127.0.0.1:${this.port}`,
      `-storageDataPath=${this.dataDir}`,
      '-search.latencyOffset=0s',
      '-loggerLevel=ERROR',
    ];
    const child = spawn(VM_BIN, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr?.on('data', (d: Buffer) => (this.stderr = (this.stderr + d.toString()).slice(-2000)));
    this.child = child;
    const deadline = Date.now() + 15_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`victoria-metrics exited ${child.exitCode}: ${this.stderr}`);
      const ok = await fetch(`${this.url}/health`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) return;
      if (Date.now() > deadline) throw new Error(`victoria-metrics not healthy after 15 s: ${this.stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Stops the process; SIGTERM lets it persist what it acknowledged (SIGKILL loses its last second by design). */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
  }
}

function snapshotAt(k: number, timestampMs: number): Snapshot {
  const family = (field: string, value: (s: number) => number): MetricFamily => ({
    name: `slurmscope_itest_${field}`,
    help: 'integration test series',
    type: 'gauge',
    labelNames: ['series'],
    samples: Array.from({ length: SERIES }, (_, s) => ({ labels: { series: String(s) }, value: value(s) })),
  });
  return { timestampMs, families: [family('a', () => k), family('b', (s) => k * 1000 + s)] };
}

interface ExportLine {
  metric: Record<string, string>;
  values: number[];
  timestamps: number[];
}

async function exportAll(url: string): Promise<ExportLine[]> {
  const res = await fetch(`${url}/api/v1/export?match[]=${encodeURIComponent('{__name__=~"slurmscope_itest_.*"}')}`);
  assert.equal(res.status, 200);
  return (await res.text())
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as ExportLine);
}

async function setup(t: TestContext) {
  const dir = await mkdtemp(join(tmpdir(), 'slurmscope-vm-'));
  const vm = new Victoria(await freePort(), join(dir, 'vm-data'));
  t.after(async () => {
    await vm.stop('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  });
  await vm.start();
  const log = new RecordingLogger();
  const sink = await InfluxSink.open({
    url: vm.url,
    org: '',
    bucket: 'slurmscope',
    batchSize: 500,
    flushIntervalMs: 200,
    timeoutMs: 2000,
    spoolDir: join(dir, 'spool'),
    spoolMaxBytes: 256 * 1024 * 1024,
    retryBaseMs: 200,
    retryMaxMs: 2000,
    log,
  });
  t.after(() => sink.shutdown());
  return { vm, sink, log };
}

test(
  `InfluxSink + VictoriaMetrics: ${OUTAGE_MS / 1000} s outage under load, zero points lost, none doubled`,
  { skip: existsSync(VM_BIN) ? false : `${VM_BIN} not installed`, timeout: OUTAGE_MS + 90_000 },
  async (t) => {
    const { vm, sink } = await setup(t);
    const start = Math.floor(Date.now() / PERIOD_MS) * PERIOD_MS;
    const timestamps: number[] = [];
    let k = 0;
    const timer = setInterval(() => {
      const ts = start + k * PERIOD_MS;
      timestamps.push(ts);
      // export only rejects after shutdown (a failed test tearing down): that ends the load.
      sink.export(snapshotAt(k++, ts)).catch(() => clearInterval(timer));
    }, PERIOD_MS);
    t.after(() => clearInterval(timer));

    await waitFor(() => sink.counts.written >= 10 * SERIES, 'first points written while up', 10_000);
    await vm.stop(OUTAGE_SIGNAL);
    const outageStart = Date.now();
    await waitFor(() => sink.counts.spooled > 0, 'points spooled during the outage', 10_000);
    await waitFor(() => Date.now() - outageStart >= OUTAGE_MS, 'end of the outage', OUTAGE_MS + 1000);
    await vm.start();
    await waitFor(() => sink.counts.replayed > 0, 'replay after the restart', 15_000);
    await new Promise((resolve) => setTimeout(resolve, 1000)); // live load after the replay, on purpose
    clearInterval(timer);
    await sink.flush();
    await waitFor(() => sink.pendingPoints === 0, 'spool and queue empty', 30_000);

    const c = sink.counts;
    const expectedLines = timestamps.length * SERIES;
    assert.equal(c.written, expectedLines, 'every line written once');
    assert.deepEqual(c.dropped, { spool_full: 0, memory_full: 0, unreadable: 0, invalid: 0, too_large: 0 });
    assert.equal(c.rejected, 0);
    assert.ok(c.replayed > 0 && c.replayed === c.spooled, `replayed ${c.replayed} of ${c.spooled} spooled`);

    // Count in the store: every (series, timestamp) exactly once with the value written.
    const expectedSamples = expectedLines * 2;
    let series: ExportLine[] = [];
    const deadline = Date.now() + 20_000;
    for (;;) {
      series = await exportAll(vm.url);
      const total = series.reduce((n, s) => n + s.timestamps.length, 0);
      if (total >= expectedSamples || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    assert.equal(series.length, SERIES * 2, 'series in the store');
    const want = new Set(timestamps);
    for (const s of series) {
      const name = s.metric.__name__ ?? '';
      const idx = Number(s.metric.series);
      assert.ok(name === 'slurmscope_itest_a' || name === 'slurmscope_itest_b', name);
      assert.equal(s.timestamps.length, timestamps.length, `${name}{series="${idx}"}: samples (lost or doubled)`);
      assert.deepEqual(new Set(s.timestamps), want, `${name}{series="${idx}"}: timestamps`);
      s.timestamps.forEach((ts, i) => {
        const kk = (ts - start) / PERIOD_MS;
        assert.equal(
          s.values[i],
          name === 'slurmscope_itest_a' ? kk : kk * 1000 + idx,
          `${name}{series="${idx}"} at ${ts}`,
        );
      });
    }
  },
);
