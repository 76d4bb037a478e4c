import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { emptyStats, statsFamilies } from '@slurmscope/influxdb';
import { RecordingLogger, type FamilyDesc, type MetricFamily } from '@slurmscope/model';
import { CtldReporter } from './ctld-reporter.js';
import { AGENT_FAMILIES, CTLD_REPORTS_FAMILY, THROTTLE_FAMILIES, withNode } from './metrics.js';
import { Sampler } from './sampler.js';
import { emptyState } from './state.js';
import { bump, copyNode, DRAM0, fixtureGpus, JOB42, PKG0, TESTDATA } from './test-fixtures.js';
import { throttleFamilies } from './throttle/metrics.js';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));
const NODE = 'n1';

/**
 * Every family the agent exposes on the fixture node, each with samples: the sampler's (jobs,
 * RAPL, node, GPUs, collector errors) after two samples, the throttler's, and the InfluxDB
 * sink's self-metrics as the agent serves them.
 */
function builtFamilies(): MetricFamily[] {
  const root = copyNode();
  const state = emptyState(NODE, undefined);
  const log = new RecordingLogger();
  const sampler = new Sampler({ root, node: NODE, log, gpu: fixtureGpus(), stateDir: join(root, 'state'), state });
  sampler.sample(1_800_000_000_000);
  bump(root, PKG0, 1_000_000_000n);
  bump(root, DRAM0, 100_000_000n);
  bump(root, JOB42, 8_000_000_000n);
  sampler.errors.inc({ collector: 'state' }); // as the daemon counts a failed state save
  const cycle = sampler.sample(1_800_000_010_000);
  const influx = statsFamilies(emptyStats(), { queuePoints: 0, spoolPoints: 0, spoolBytes: 0 });
  const reporter = new CtldReporter({ url: 'http://127.0.0.1:9', token: undefined, timeoutMs: 100, log, node: NODE });
  // cgroup v1 (the fixture node) has no PSI: memory pressure comes from the v2 fixture's node.
  const v2 = new Sampler({
    root: join(TESTDATA, 'root-v2'),
    node: NODE,
    log,
    gpu: undefined,
    stateDir: undefined,
    state: emptyState(NODE, undefined),
  }).sample(1_800_000_000_000).families;
  const pressure = v2.find((f) => f.name === 'slurmscope_job_memory_pressure_ratio');
  return [
    ...cycle.families.map((f) => (f.name === pressure?.name ? pressure : f)),
    ...reporter.metrics(),
    ...throttleFamilies({ node: NODE, throttledCores: 2, coreSeconds: 20, errors: 0, energyJoules: 5 }),
    ...withNode(influx, NODE),
  ];
}

/** Every .ts source of the package (tests excluded), as text. */
function sources(dir = SRC): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sources(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [readFileSync(path, 'utf8')] : [];
  });
}

const TABLES: readonly FamilyDesc[] = [
  ...Object.values(AGENT_FAMILIES),
  ...Object.values(THROTTLE_FAMILIES),
  CTLD_REPORTS_FAMILY,
];

test('every family the agent declares has the node label', () => {
  for (const d of TABLES) assert.ok(d.labelNames.includes('node'), `${d.name} declares no node label`);
});

test('every family the agent builds declares node, and every sample carries it', () => {
  const built = builtFamilies();
  for (const f of built) {
    assert.ok(f.samples.length > 0, `${f.name}: the fixture should give it samples`);
    assert.ok(f.labelNames.includes('node'), `${f.name} declares no node label`);
    for (const s of f.samples) assert.equal(s.labels.node, NODE, `${f.name}${JSON.stringify(s.labels)}`);
  }
  const names = new Set(built.map((f) => f.name));
  for (const name of ['slurmscope_collector_errors_total', 'slurmscope_influx_points_written_total']) {
    assert.ok(names.has(name), name);
  }
});

test('the agent families it builds are declared in its tables, as built', () => {
  const declared = new Map(TABLES.map((d) => [d.name, d]));
  assert.equal(declared.size, TABLES.length, 'names are unique');
  for (const f of builtFamilies().filter((x) => !x.name.startsWith('slurmscope_influx_'))) {
    const desc = { name: f.name, help: f.help, type: f.type, labelNames: [...f.labelNames] };
    const table = declared.get(f.name);
    assert.ok(table, `${f.name} is not declared`);
    assert.deepEqual(desc, { ...table, labelNames: [...table.labelNames] }, f.name);
  }
  for (const d of TABLES) {
    assert.match(d.name, /^slurmscope_[a-z]+_[a-z0-9_]+$/, d.name);
    assert.equal(
      d.type === 'counter',
      d.name.endsWith('_total'),
      `${d.name}: counters and only counters end in _total`,
    );
  }
});

test('each agent family name is written out in full in the sources (a grep finds its definition)', () => {
  const text = sources().join('\n');
  for (const { name } of TABLES) assert.ok(text.includes(`'${name}'`), `${name} is not written out in full`);
});
