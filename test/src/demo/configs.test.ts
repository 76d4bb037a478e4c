import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError, loadConfig } from '@slurmscope/common';
import type { Stack } from '../lib/index.js';
import { demoPaths, toYaml, writeDemoConfigs, type YamlValue } from './configs.js';

test('toYaml', async (t) => {
  const cases: { name: string; doc: { [key: string]: YamlValue }; want?: string; throws?: RegExp }[] = [
    { name: 'scalars', doc: { a: 'x', b: 2, c: true }, want: 'a: "x"\nb: 2\nc: true\n' },
    { name: 'nested', doc: { a: { b: { c: '1:2' } } }, want: 'a:\n  b:\n    c: "1:2"\n' },
    { name: 'quotes and newlines escaped', doc: { a: 'say "hi"\n' }, want: 'a: "say \\"hi\\"\\n"\n' },
    { name: 'bad key', doc: { 'a: b': 1 }, throws: /unsupported key/ },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      if (c.throws) assert.throws(() => toYaml(c.doc), c.throws);
      else assert.equal(toYaml(c.doc), c.want);
    });
  }
});

function fakeStack(dir: string): Stack {
  return {
    dir,
    portBase: 27000,
    cluster: 'slurmscope',
    host: 'h',
    nodes: ['d1', 'd2', 'd3'],
    ghostNodes: ['ghost1', 'ghost2'],
    partitions: { default: 'batch', preemptable: 'scavenger' },
    ports: {
      smtp: 27025,
      influxdb: 27086,
      influxdbRpc: 27088,
      prometheus: 27090,
      alertmanager: 27093,
      mariadb: 27306,
      victoriametrics: 27428,
      slurmctld: 27817,
      ctld: 27818,
      slurmdbd: 27819,
      slurmrestd: 27820,
      slurmd: { d1: 27831, d2: 27832, d3: 27833 },
      agents: { d1: 27901, d2: 27902, d3: 27903 },
    },
    urls: {
      victoriametrics: 'http://127.0.0.1:27428',
      influxdb: 'http://127.0.0.1:27086',
      prometheus: 'http://127.0.0.1:27090',
      alertmanager: 'http://127.0.0.1:27093',
      slurmrestd: 'http://127.0.0.1:27820',
      ctld: 'http://127.0.0.1:27818',
    },
    smtp: { host: '127.0.0.1', port: 27025 },
    influxdbDatabase: 'slurmscope',
    paths: {
      slurmConf: join(dir, 'slurm/etc/slurm.conf'),
      envFile: join(dir, 'env.sh'),
      mail: join(dir, 'mail'),
      logs: join(dir, 'logs'),
      jwtKey: join(dir, 'slurm/etc/jwt_hs256.key'),
      mungeSocket: join(dir, 'munge/munge.sock'),
      slurmdSpool: join(dir, 'slurm/spool/%n'),
      prologDir: join(dir, 'slurm/etc/prolog.d'),
      epilogDir: join(dir, 'slurm/etc/epilog.d'),
      prometheusRules: join(dir, 'prom/rules'),
      cgroupRoot: '/sys/fs/cgroup',
    },
  };
}

test('writeDemoConfigs writes configs that the daemons load', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'demo-configs-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const paths = demoPaths(dir);
  const files = writeDemoConfigs(fakeStack(dir), paths);
  assert.equal(files.length, 4);
  assert.equal(statSync(paths.tokenFile).mode & 0o777, 0o600);

  const agent = loadConfig('agent', { explicit: paths.agentConfig('d2'), env: {} }).config;
  assert.equal(agent.node, 'd2');
  assert.equal(agent.interval, 5000);
  assert.equal(agent.prometheus.listen, '127.0.0.1:27902');
  // One output (a mapping, or a list of one where `influxdb` takes several).
  assert.deepEqual(
    [agent.influxdb].flat().map((o) => o.url),
    ['http://127.0.0.1:27428'],
  );
  assert.equal(agent.ctld.url, 'http://127.0.0.1:27818');
  assert.equal(agent.ctld.tokenFile, paths.tokenFile);
  assert.equal(agent.stateDir, join(dir, 'agent-d2'));

  const ctld = loadConfig('ctld', { explicit: paths.ctldConfig, env: {} }).config;
  assert.equal(ctld.api.listen, '127.0.0.1:27818');
  assert.equal(ctld.auth.agentTokenFile, paths.tokenFile);
  assert.equal(ctld.smtp.host, '127.0.0.1');
  assert.equal(ctld.smtp.port, 27025);
  assert.equal(ctld.reports.dir, join(dir, 'reports'));
});

test('writeDemoConfigs refuses a stack without an agent port for a node', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'demo-configs-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const stack = { ...fakeStack(dir), nodes: ['d1', 'd9'] };
  assert.throws(() => writeDemoConfigs(stack, demoPaths(dir)), /no agent port for node d9/);
});

test('writeDemoConfigs validates before writing (a bad URL names the key)', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'demo-configs-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const base = fakeStack(dir);
  const stack = { ...base, urls: { ...base.urls, victoriametrics: 'not a url' } };
  assert.throws(
    () => writeDemoConfigs(stack, demoPaths(dir)),
    (err: unknown) => err instanceof ConfigError && err.key === 'influxdb.url',
  );
});
