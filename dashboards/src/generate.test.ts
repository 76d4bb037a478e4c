import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import test from 'node:test';
import type { Dashboard, Panel } from '@grafana/grafana-foundation-sdk/dashboard';
import { buildDashboard } from './build.js';
import { CLUSTER } from './defs/cluster.js';
import { DASHBOARDS } from './defs/index.js';
import { FLAVOURS, PLUGIN_IDS, type DashboardDef, type Flavour } from './defs/types.js';
import { INFLUX_OUTPUT_FAMILIES, knownFamilies } from './families.js';
import { GENERATED_DIR, generate } from './generate.js';
import { checkQuery } from './refs.js';
import { renderAll, staleFiles } from './render.js';

const CORE_TYPES = new Set(['timeseries', 'stat', 'table']);

/** Every panel of every dashboard in every flavour, with where it is. */
function everyPanel(
  defs: readonly DashboardDef[] = DASHBOARDS,
): Array<{ where: string; flavour: Flavour; panel: Panel; dash: Dashboard }> {
  return FLAVOURS.flatMap((flavour) =>
    defs.flatMap((def) => {
      const dash = buildDashboard(def, flavour);
      return (dash.panels ?? []).map((p) => ({
        where: `${flavour}/${def.name}: ${(p as Panel).title}`,
        flavour,
        panel: p as Panel,
        dash,
      }));
    }),
  );
}

/** Every problem of every query (panels and variables) against the known families. */
function queryProblems(defs: readonly DashboardDef[]): string[] {
  const problems: string[] = [];
  for (const { where, flavour, panel } of everyPanel(defs)) {
    for (const t of panel.targets ?? []) {
      const q = t as { expr?: string; query?: string; refId?: string };
      const query = flavour === 'prometheus' ? q.expr : q.query;
      const language = flavour === 'prometheus' ? 'promql' : 'influxql';
      if (!query) problems.push(`${where} ${q.refId}: no query`);
      else
        for (const p of checkQuery({ query, language, families: knownFamilies(flavour) }))
          problems.push(`${where} ${q.refId}: ${p}`);
    }
  }
  for (const def of defs) {
    for (const v of def.variables ?? []) {
      const prom = /^label_values\((\w+), (\w+)\)$/.exec(v.promql);
      if (!prom) problems.push(`${def.name} $${v.name}: not label_values(metric, label)`);
      else
        problems.push(
          ...checkQuery({
            query: `${prom[1]}{${prom[2]}=""}`,
            language: 'promql',
            families: knownFamilies('prometheus'),
          }).map((p) => `${def.name} $${v.name}: ${p}`),
        );
      problems.push(
        ...checkQuery({ query: v.influxql, language: 'influxql', families: knownFamilies('influxdb') }).map(
          (p) => `${def.name} $${v.name}: ${p}`,
        ),
      );
    }
  }
  return problems;
}

test('the committed dashboards equal what the definitions generate (run node dashboards/dist/generate.js)', async () => {
  const rendered = renderAll();
  assert.equal(rendered.size, DASHBOARDS.length * 2);
  assert.deepEqual(await staleFiles(GENERATED_DIR, rendered), []);
});

test('a changed definition makes its files stale; --check names them and exits 1, a write fixes them', async () => {
  const changed = DASHBOARDS.map((d) => (d === CLUSTER ? { ...CLUSTER, title: `${CLUSTER.title} (changed)` } : d));
  assert.deepEqual(await staleFiles(GENERATED_DIR, renderAll(changed)), [
    'prometheus/cluster.json',
    'influxdb/cluster.json',
  ]);

  const dir = await mkdtemp(path.join(os.tmpdir(), 'dashboards-'));
  try {
    await cp(GENERATED_DIR, dir, { recursive: true });
    const file = path.join(dir, 'influxdb', 'node.json');
    await writeFile(file, (await readFile(file, 'utf8')).replace('"Slurm node"', '"Slurm node (hand-edited)"'));
    await rm(path.join(dir, 'prometheus', 'webjobs.json'));
    const lines: string[] = [];
    assert.equal(await generate({ dir, check: true, log: (l) => lines.push(l) }), 1);
    assert.equal(lines.length, 2, lines.join('\n'));
    assert.match(lines.join('\n'), /prometheus\/webjobs\.json/);
    assert.match(lines.join('\n'), /influxdb\/node\.json/);
    assert.equal(await generate({ dir, check: false, log: () => undefined }), 0);
    assert.equal(await generate({ dir, check: true, log: () => undefined }), 0);
    assert.equal(await readFile(file, 'utf8'), renderAll().get('influxdb/node.json'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('generated JSON: sorted keys, 2-space indent, trailing newline, one uid per dashboard and flavour', () => {
  const uids = new Set<string>();
  for (const [rel, text] of renderAll()) {
    assert.ok(text.endsWith('}\n'), rel);
    assert.equal(text, `${JSON.stringify(JSON.parse(text), null, 2)}\n`, rel);
    const keys = Object.keys(JSON.parse(text) as object);
    assert.deepEqual(keys, [...keys].sort(), rel);
    const uid = (JSON.parse(text) as { uid: string }).uid;
    assert.ok(uid.length <= 40 && !uids.has(uid), `${rel}: uid ${uid}`);
    uids.add(uid);
  }
});

test('every panel has the flavour datasource variable and at least one target with a refId', () => {
  for (const { where, flavour, panel, dash } of everyPanel()) {
    assert.deepEqual(panel.datasource, { type: flavour, uid: '${datasource}' }, where);
    assert.ok((panel.targets ?? []).length > 0, `${where}: no target`);
    const refIds = (panel.targets ?? []).map((t) => (t as { refId?: string }).refId);
    assert.equal(new Set(refIds).size, refIds.length, `${where}: refIds ${refIds.join(',')}`);
    for (const t of panel.targets ?? [])
      assert.deepEqual((t as { datasource?: unknown }).datasource, panel.datasource, where);
    const ds = dash.templating.list?.find((v) => v.name === 'datasource');
    assert.equal(ds?.query, flavour, where);
  }
});

test('panel types: core ones or the three plugin ids, each plugin on the dashboard the issue names', () => {
  const used = new Map<string, Set<string>>();
  for (const { where, panel, dash } of everyPanel()) {
    assert.ok(CORE_TYPES.has(panel.type) || PLUGIN_IDS.includes(panel.type as never), `${where}: type ${panel.type}`);
    if (!used.has(panel.type)) used.set(panel.type, new Set());
    used.get(panel.type)?.add(dash.uid ?? '');
  }
  for (const f of ['prom', 'influx']) {
    assert.ok(used.get('slurmscope-availability-panel')?.has(`slurmscope-cluster-${f}`));
    assert.ok(used.get('slurmscope-webjobs-panel')?.has(`slurmscope-webjobs-${f}`));
    assert.ok(used.get('slurmscope-co2-panel')?.has(`slurmscope-energy-co2-${f}`));
  }
});

test('every query reads only metric families, measurements, fields, labels and tags that exist', () => {
  assert.deepEqual(queryProblems(DASHBOARDS), []);
});

test('the name check fails on an unknown metric, field, tag or label', () => {
  const bad: DashboardDef = {
    name: 'bad',
    title: 'bad',
    description: 'bad',
    panels: [
      {
        title: 'p',
        description: 'd',
        type: 'stat',
        queries: [
          {
            refId: 'A',
            promql: 'sum(slurmscope_job_cpu_seconds)',
            influxql: 'SELECT last("cpu_seconds") FROM "slurmscope_job" WHERE $timeFilter',
            format: 'table',
          },
          {
            refId: 'B',
            promql: 'slurmscope_job_cpus{user="x"}',
            influxql: `SELECT last("cpus") FROM "slurmscope_job" WHERE "user" = 'x'`,
            format: 'table',
          },
        ],
      },
    ],
  };
  assert.deepEqual(queryProblems([bad]), [
    'prometheus/bad: p A: unknown metric slurmscope_job_cpu_seconds',
    'prometheus/bad: p B: slurmscope_job_cpus has no label user',
    'influxdb/bad: p A: unknown field slurmscope_job.cpu_seconds',
    'influxdb/bad: p B: slurmscope_job has no tag user',
  ]);
});

test("the InfluxDB output's families the dashboards read are in the README's metric names", async () => {
  const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf('## Metric names'));
  for (const f of INFLUX_OUTPUT_FAMILIES) assert.ok(section.includes(`| \`${f.name}\` |`), f.name);
});

test('every legend label is one the query groups by (PromQL {{x}} in by (...), InfluxQL $tag_x in GROUP BY)', () => {
  for (const { where, flavour, panel } of everyPanel()) {
    for (const t of panel.targets ?? []) {
      const q = t as { expr?: string; query?: string; legendFormat?: string; alias?: string };
      const [legend, query] = flavour === 'prometheus' ? [q.legendFormat, q.expr] : [q.alias, q.query];
      const labels = [...(legend ?? '').matchAll(flavour === 'prometheus' ? /\{\{(\w+)\}\}/g : /\$tag_(\w+)/g)].map(
        (m) => m[1],
      );
      for (const l of labels) {
        const grouped =
          flavour === 'prometheus' ? new RegExp(`by \\([^)]*\\b${l}\\b`) : new RegExp(`GROUP BY .*"${l}"`);
        assert.match(query ?? '', grouped, `${where}: legend ${l}`);
      }
    }
  }
});
