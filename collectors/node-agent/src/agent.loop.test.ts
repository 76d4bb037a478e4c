// The agent's daemon loop as the CLI assembles it, with an in-memory sink and the Prometheus
// exposition: cycles on the fixture node with a ctld that refuses connections, then a clean stop.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { validate } from '@slurmscope/common';
import { InMemorySink, RecordingLogger, scalarFamily, waitUntil, type MetricFamily } from '@slurmscope/model';
import { prometheusExposition } from '@slurmscope/prometheus';
import { runAgent } from './agent.js';
import { AGENT_FAMILIES, CTLD_REPORTS_FAMILY, THROTTLE_FAMILIES } from './metrics.js';

const ROOT = fileURLToPath(new URL('../testdata/root-node/', import.meta.url));

/** An in-memory sink that also reports its own health, as InfluxDB's does. */
class HealthSink extends InMemorySink {
  metrics(): MetricFamily[] {
    return [
      scalarFamily('slurmscope_test_sink_exports_total', 'Snapshots exported.', 'counter', this.snapshots.length),
    ];
  }
}

/** A loopback port nothing listens on (bound, then closed): the agent's reports to it fail. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

test('runAgent: cycles on the fixture node reach the sink and /metrics; the sink is shut down at stop', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'agent-loop-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'token'), 'secret\n', { mode: 0o600 });
  const config = validate(
    'agent',
    {
      interval: '200ms',
      stateDir: join(dir, 'state'),
      prometheus: { listen: '127.0.0.1:0' },
      throttle: { socket: join(dir, 'agent.sock') },
      ctld: { url: `http://127.0.0.1:${await closedPort()}`, tokenFile: join(dir, 'token'), timeout: '1s' },
    },
    '(test)',
  );
  const log = new RecordingLogger();
  const sink = new HealthSink();
  const ctl = new AbortController();
  const run = runAgent(
    { config, log, root: ROOT, node: 'n1', nvidiaSmi: undefined, exposition: prometheusExposition(), sinks: [sink] },
    ctl.signal,
  );
  t.after(() => ctl.abort());
  // A broken agent→ctld link reaches the sink: a snapshot counting a failed report.
  const failedReports = (snap: (typeof sink.snapshots)[number]): number =>
    snap.families.find((f) => f.name === CTLD_REPORTS_FAMILY.name)?.samples.find((s) => s.labels['result'] === 'error')
      ?.value ?? 0;
  await waitUntil('two cycles and a failed report exported', () => sink.snapshots.some((s) => failedReports(s) > 0), {
    intervalMs: 20,
  });
  const started = log.records.find((r) => r.msg === 'agent started')?.fields as { listen: string };
  const metrics = await (await fetch(`http://${started.listen}/metrics`)).text();
  ctl.abort();
  await run;

  const [first, second] = sink.snapshots;
  assert.ok(first && second && second.timestampMs > first.timestampMs, 'two cycles, in order');
  const names = new Set(second.families.map((f) => f.name));
  for (const d of [AGENT_FAMILIES.jobCpuSeconds, AGENT_FAMILIES.nodeCpus, AGENT_FAMILIES.cycleSeconds])
    assert.ok(names.has(d.name), d.name);
  const last = sink.snapshots.at(-1)!;
  const lastNames = new Set(last.families.map((f) => f.name));
  const shared = [CTLD_REPORTS_FAMILY, THROTTLE_FAMILIES.throttledCores, THROTTLE_FAMILIES.throttleErrors];
  for (const d of [...shared, THROTTLE_FAMILIES.throttleSeconds])
    assert.ok(lastNames.has(d.name), `${d.name} reaches the sink`);
  assert.ok(!lastNames.has('slurmscope_test_sink_exports_total'), "the sink's own health is not fed to itself");
  const known = new Set([...Object.values(AGENT_FAMILIES), ...Object.values(THROTTLE_FAMILIES), CTLD_REPORTS_FAMILY]);
  const knownNames = new Set([...known].map((d) => d.name));
  for (const snap of [second, last])
    for (const f of snap.families) {
      assert.ok(knownNames.has(f.name), `${f.name} is an agent family`);
      for (const s of f.samples) assert.equal(s.labels['node'], 'n1', `${f.name} carries node`);
    }
  assert.match(metrics, /^slurmscope_node_cpus\{node="n1"\} \d+$/m, 'the exposition serves the snapshot');
  assert.match(metrics, /^slurmscope_test_sink_exports_total\{node="n1"\} \d+$/m, "the sink's health, with node");
  assert.match(metrics, /^slurmscope_node_throttled_cores\{node="n1"\} \d+$/m, "the throttler's, once");
  assert.equal(metrics.match(/^# TYPE slurmscope_agent_ctld_reports_total /gm)?.length, 1, "the reporter's, once");
  await assert.rejects(sink.export(second), /after shutdown/, 'the agent shut its sink down');
});
