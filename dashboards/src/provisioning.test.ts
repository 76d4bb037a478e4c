import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import test from 'node:test';
import { FLAVOURS, PLUGIN_IDS } from './defs/types.js';

const read = (name: string): Promise<string> => readFile(new URL(`../provisioning/${name}`, import.meta.url), 'utf8');

test('dashboards.yaml: one file provider per flavour, pointing at its generated folder', async () => {
  const text = await read('dashboards.yaml');
  for (const flavour of FLAVOURS) {
    assert.match(text, new RegExp(`path: \\$\\{SLURMSCOPE_DASHBOARDS_DIR\\}/${flavour}\\n`), flavour);
  }
  assert.equal(text.match(/type: file/g)?.length, FLAVOURS.length);
});

test('datasources.yaml: a datasource of each flavour type, URLs and secrets from the environment', async () => {
  const text = await read('datasources.yaml');
  for (const flavour of FLAVOURS) assert.match(text, new RegExp(`\\n    type: ${flavour}\\n`), flavour);
  assert.match(text, /version: InfluxQL/);
  assert.match(text, /url: \$\{SLURMSCOPE_PROMETHEUS_URL\}/);
  assert.match(text, /url: \$\{SLURMSCOPE_INFLUXDB_URL\}/);
  assert.match(text, /password: \$\{SLURMSCOPE_INFLUXDB_PASSWORD\}/);
});

test('grafana.ini allows exactly the three unsigned panel plugins', async () => {
  const line = /^allow_loading_unsigned_plugins = (.+)$/m.exec(await read('grafana.ini'));
  assert.deepEqual(line?.[1]?.split(','), [...PLUGIN_IDS]);
});
