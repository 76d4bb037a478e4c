import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { CounterFamily, RecordingLogger, type FamilyDesc, type MetricFamily, type Snapshot } from '@slurmscope/model';
import { PrometheusExporter, prometheusExposition, renderText } from './exporter.js';

const CPU: FamilyDesc = {
  name: 'slurmscope_job_cpu_seconds_total',
  help: 'CPU time of the job.',
  type: 'counter',
  labelNames: ['jobid', 'node'],
};
const MEM: FamilyDesc = {
  name: 'slurmscope_job_memory_used_bytes',
  help: 'Memory used.',
  type: 'gauge',
  labelNames: ['jobid', 'node'],
};
const JOBS: FamilyDesc = { name: 'slurmscope_node_jobs', help: 'Jobs on the node.', type: 'gauge', labelNames: [] };
const GPU: FamilyDesc = {
  name: 'slurmscope_gpu_power_watts',
  help: 'GPU power draw.',
  type: 'gauge',
  labelNames: ['node', 'gpu', 'jobid'],
};
const DESCS = [CPU, MEM, JOBS, GPU];

const fam = (desc: FamilyDesc, samples: MetricFamily['samples']): MetricFamily => ({ ...desc, samples });
const snap = (...families: MetricFamily[]): Snapshot => ({ timestampMs: 1_700_000_000_000, families });

/** The sample lines (no comments) of an exposition. */
const sampleLines = (text: string): string[] => text.split('\n').filter((l) => l !== '' && !l.startsWith('#'));

test('renderText: counters and gauges with labels, in declared label order', async () => {
  const cases: Array<{ name: string; family: MetricFamily; want: string[] }> = [
    {
      name: 'counter keeps its value and TYPE counter',
      family: fam(CPU, [{ labels: { node: 'n1', jobid: '42' }, value: 1234.5 }]),
      want: [
        '# TYPE slurmscope_job_cpu_seconds_total counter',
        'slurmscope_job_cpu_seconds_total{jobid="42",node="n1"} 1234.5',
      ],
    },
    {
      name: 'counter at zero is printed',
      family: fam(CPU, [{ labels: { jobid: '7', node: 'n1' }, value: 0 }]),
      want: ['slurmscope_job_cpu_seconds_total{jobid="7",node="n1"} 0'],
    },
    {
      name: 'gauge with several series',
      family: fam(MEM, [
        { labels: { jobid: '1', node: 'n1' }, value: 1048576 },
        { labels: { jobid: '2', node: 'n1' }, value: 2e9 },
      ]),
      want: [
        '# TYPE slurmscope_job_memory_used_bytes gauge',
        'slurmscope_job_memory_used_bytes{jobid="1",node="n1"} 1048576',
        'slurmscope_job_memory_used_bytes{jobid="2",node="n1"} 2000000000',
      ],
    },
    {
      name: 'empty label value kept (GPU held by no job)',
      family: fam(GPU, [{ labels: { node: 'n1', gpu: '0', jobid: '' }, value: 61.2 }]),
      want: ['slurmscope_gpu_power_watts{node="n1",gpu="0",jobid=""} 61.2'],
    },
    {
      name: 'label-less gauge',
      family: fam(JOBS, [{ labels: {}, value: 3 }]),
      want: ['slurmscope_node_jobs 3'],
    },
  ];
  for (const c of cases) {
    const lines = (await renderText(snap(c.family), DESCS)).split('\n');
    for (const want of c.want) assert.ok(lines.includes(want), `${c.name}: missing ${want}\n${lines.join('\n')}`);
  }
});

test('renderText: a family absent from the snapshot prints HELP/TYPE and no sample, not 0', async () => {
  const text = await renderText(snap(fam(CPU, [{ labels: { jobid: '1', node: 'n' }, value: 5 }])), DESCS);
  assert.deepEqual(sampleLines(text), ['slurmscope_job_cpu_seconds_total{jobid="1",node="n"} 5']);
  assert.match(text, /# TYPE slurmscope_node_jobs gauge\n/);
  assert.doesNotMatch(text, /^slurmscope_node_jobs /m);
});

test('PrometheusExporter: nothing but declarations before the first snapshot', async () => {
  const exporter = new PrometheusExporter({ families: DESCS, read: () => undefined });
  const text = await exporter.metrics();
  assert.deepEqual(sampleLines(text), []);
  assert.equal(text.match(/^# TYPE /gm)?.length, DESCS.length);
});

test('renderText: label values and help are escaped', async () => {
  const desc: FamilyDesc = { ...GPU, help: 'back\\slash and\nnewline' };
  const text = await renderText(snap(fam(desc, [{ labels: { node: 'a"b', gpu: 'c\\d', jobid: 'e\nf' }, value: 1 }])), [
    desc,
  ]);
  assert.ok(text.includes('# HELP slurmscope_gpu_power_watts back\\\\slash and\\nnewline\n'), text);
  assert.ok(text.includes('slurmscope_gpu_power_watts{node="a\\"b",gpu="c\\\\d",jobid="e\\nf"} 1\n'), text);
});

test('PrometheusExporter: values are read at scrape time; vanished series disappear', async () => {
  let current: Snapshot = snap(
    fam(MEM, [
      { labels: { jobid: '1', node: 'n' }, value: 10 },
      { labels: { jobid: '2', node: 'n' }, value: 20 },
    ]),
  );
  const exporter = new PrometheusExporter({ families: DESCS, read: () => current });
  assert.equal(sampleLines(await exporter.metrics()).length, 2);
  current = snap(fam(MEM, [{ labels: { jobid: '2', node: 'n' }, value: 25 }]));
  assert.deepEqual(sampleLines(await exporter.metrics()), ['slurmscope_job_memory_used_bytes{jobid="2",node="n"} 25']);
});

test('PrometheusExporter: sources and undeclared families (self-metrics) are exported', async () => {
  const errors = new CounterFamily({
    name: 'slurmscope_collector_errors_total',
    help: 'Errors per collector.',
    labelNames: ['collector'],
  });
  errors.inc({ collector: 'rapl' });
  errors.inc({ collector: 'rapl' }, 2);
  const extra: MetricFamily = {
    name: 'slurmscope_influx_points_written_total',
    help: 'Points written.',
    type: 'counter',
    labelNames: [],
    samples: [{ labels: {}, value: 9 }],
  };
  const exporter = new PrometheusExporter({
    families: [CPU],
    read: () => snap(extra),
    sources: [() => [errors.family()]],
  });
  const text = await exporter.metrics();
  assert.deepEqual(sampleLines(text), [
    'slurmscope_influx_points_written_total 9',
    'slurmscope_collector_errors_total{collector="rapl"} 3',
  ]);
  assert.match(text, /# TYPE slurmscope_collector_errors_total counter/);
});

test('PrometheusExporter: bad samples are skipped and reported once, the rest is served', async () => {
  const log = new RecordingLogger();
  const bad = snap(
    fam(CPU, [
      { labels: { jobid: '1', node: 'n', user: 'x' }, value: 1 },
      { labels: { jobid: '2', node: 'n' }, value: -1 },
      { labels: { jobid: '3', node: 'n' }, value: 3 },
    ]),
  );
  const exporter = new PrometheusExporter({ families: DESCS, read: () => bad, log });
  for (let i = 0; i < 2; i++) {
    assert.deepEqual(sampleLines(await exporter.metrics()), ['slurmscope_job_cpu_seconds_total{jobid="3",node="n"} 3']);
  }
  assert.deepEqual(
    log.records.map((r) => r.msg),
    ['sample with undeclared labels skipped', 'negative or NaN counter sample skipped'],
  );
});

test('PrometheusExporter: registries are private; process metrics only on request', async () => {
  const a = new PrometheusExporter({ families: DESCS, read: () => undefined });
  const b = new PrometheusExporter({ families: DESCS, read: () => undefined, processMetrics: true });
  assert.doesNotMatch(await a.metrics(), /process_/);
  assert.match(await b.metrics(), /^process_cpu_user_seconds_total \d/m);
  assert.match(a.contentType, /^text\/plain; version=0\.0\.4/);
});

const GOLDEN = new URL('../testdata/golden.prom', import.meta.url);

test('renderText: golden exposition (UPDATE_GOLDEN=1 rewrites testdata/golden.prom)', async () => {
  const snapshot = snap(
    fam(CPU, [
      { labels: { jobid: '4242', node: 'node01' }, value: 3601.25 },
      { labels: { jobid: '4243', node: 'node01' }, value: 12 },
    ]),
    fam(MEM, [{ labels: { jobid: '4242', node: 'node01' }, value: 8589934592 }]),
    fam(GPU, [
      { labels: { node: 'node01', gpu: '0', jobid: '4242' }, value: 312.5 },
      { labels: { node: 'node01', gpu: '1', jobid: '' }, value: 61 },
    ]),
  );
  const text = await renderText(snapshot, DESCS);
  if (process.env.UPDATE_GOLDEN === '1') await writeFile(GOLDEN, text);
  assert.equal(text, await readFile(GOLDEN, 'utf8'));
});

test('prometheusExposition: an exposition port over a snapshot provider, read at each scrape', async () => {
  const cycle: { latest?: Snapshot } = {};
  const exposition = prometheusExposition()({
    families: DESCS,
    read: () => cycle.latest,
    sources: [() => [fam(JOBS, [{ labels: {}, value: 3 }])]],
  });
  assert.match(exposition.contentType, /^text\/plain/);
  assert.deepEqual(sampleLines(await exposition.metrics()), ['slurmscope_node_jobs 3']);
  cycle.latest = snap(fam(MEM, [{ labels: { jobid: '7', node: 'n1' }, value: 5 }]));
  assert.deepEqual(sampleLines(await exposition.metrics()), [
    'slurmscope_job_memory_used_bytes{jobid="7",node="n1"} 5',
    'slurmscope_node_jobs 3',
  ]);
});
