// The agent's daemon loop as the CLI assembles it, with an in-memory sink and the Prometheus
// exposition: two cycles on the fixture node, then a clean stop.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { validate } from '@slurmscope/common';
import { InMemorySink, RecordingLogger, scalarFamily, waitUntil, type MetricFamily } from '@slurmscope/model';
import { prometheusExposition } from '@slurmscope/prometheus';
import { runAgent } from './agent.js';
import { AGENT_FAMILIES } from './metrics.js';

const ROOT = fileURLToPath(new URL('../testdata/root-node/', import.meta.url));

/** An in-memory sink that also reports its own health, as InfluxDB's does. */
class HealthSink extends InMemorySink {
  metrics(): MetricFamily[] {
    return [
      scalarFamily('slurmscope_test_sink_exports_total', 'Snapshots exported.', 'counter', this.snapshots.length),
    ];
  }
}

test('runAgent: two cycles on the fixture node reach the sink and /metrics; the sink is shut down at stop', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'agent-loop-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const config = validate(
    'agent',
    {
      interval: '200ms',
      stateDir: join(dir, 'state'),
      prometheus: { listen: '127.0.0.1:0' },
      throttle: { socket: join(dir, 'agent.sock') },
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
  await waitUntil('two cycles', () => sink.snapshots.length >= 2, { intervalMs: 20 });
  const started = log.records.find((r) => r.msg === 'agent started')?.fields as { listen: string };
  const metrics = await (await fetch(`http://${started.listen}/metrics`)).text();
  ctl.abort();
  await run;

  const [first, second] = sink.snapshots;
  assert.ok(first && second && second.timestampMs > first.timestampMs, 'two cycles, in order');
  const names = new Set(second.families.map((f) => f.name));
  for (const d of [AGENT_FAMILIES.jobCpuSeconds, AGENT_FAMILIES.nodeCpus, AGENT_FAMILIES.cycleSeconds])
    assert.ok(names.has(d.name), d.name);
  const known = new Set(Object.values(AGENT_FAMILIES).map((d) => d.name));
  for (const f of second.families) {
    assert.ok(known.has(f.name), `${f.name} is an agent family`);
    for (const s of f.samples) assert.equal(s.labels['node'], 'n1', `${f.name} carries node`);
  }
  assert.match(metrics, /^slurmscope_node_cpus\{node="n1"\} \d+$/m, 'the exposition serves the snapshot');
  assert.match(metrics, /^slurmscope_test_sink_exports_total\{node="n1"\} \d+$/m, "the sink's health, with node");
  await assert.rejects(sink.export(second), /after shutdown/, 'the agent shut its sink down');
});
