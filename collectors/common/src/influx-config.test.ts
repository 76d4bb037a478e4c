import { test } from 'node:test';
import assert from 'node:assert/strict';
import { load } from 'js-yaml';
import { validate } from './config.js';
import { ConfigError } from './errors.js';

// The `influxdb` section of both daemons: one mapping (as before) or a list of outputs.

const parse = (kind: 'agent' | 'ctld', yaml: string) => validate(kind, load(yaml), 'f.yaml').influxdb;

test('influxdb: a single mapping keeps its meaning (v2, output named 0, the default spool)', () => {
  const [o, ...rest] = parse('agent', 'influxdb:\n  url: http://a:8086\n  bucket: b\n  tokenFile: /t\n');
  assert.deepEqual(rest, []);
  assert.equal(o!.url, 'http://a:8086');
  assert.equal(o!.api, 'v2');
  assert.equal(o!.bucket, 'b');
  assert.equal(o!.tokenFile, '/t');
  assert.equal(o!.name, '0');
  assert.equal(o!.spoolSubdir, undefined, 'a single mapping spools where it always did');
  assert.equal(o!.flushInterval, 10_000);
  assert.deepEqual(parse('ctld', 'influxdb:\n  bucket: b\n'), [], 'no url: off');
});

test('influxdb: a list of outputs, each with its own settings, names and spool sub-directories', () => {
  const outs = parse(
    'ctld',
    [
      'influxdb:',
      '  - url: http://vm:8428',
      '    batchSize: 100',
      '  - name: legacy',
      '    url: http://influx:8086',
      '    api: v1',
      '    database: slurm',
      '    retentionPolicy: weekly',
      '    user: writer',
      '    passwordFile: /etc/slurmscope/influx.password',
      '    flushInterval: 1s',
    ].join('\n'),
  );
  assert.deepEqual(
    outs.map((o) => [o.name, o.spoolSubdir, o.api, o.url, o.batchSize, o.flushInterval]),
    [
      ['0', '0', 'v2', 'http://vm:8428', 100, 10_000],
      ['legacy', 'legacy', 'v1', 'http://influx:8086', 5000, 1000],
    ],
  );
  assert.equal(outs[1]!.database, 'slurm');
  assert.equal(outs[1]!.retentionPolicy, 'weekly');
  assert.equal(outs[1]!.user, 'writer');
  assert.deepEqual(parse('agent', 'influxdb: []\n'), [], 'an empty list: no output');
});

test('influxdb: bad sections name the key', () => {
  const cases: Array<{ name: string; yaml: string; key: string; reason: RegExp }> = [
    {
      name: 'v1 without database',
      yaml: 'influxdb:\n  url: http://a:8086\n  api: v1\n',
      key: 'influxdb.database',
      reason: /required with api: v1/,
    },
    {
      name: 'v1 without database, in a list',
      yaml: 'influxdb:\n  - url: http://a:8086\n  - url: http://b:8086\n    api: v1\n',
      key: 'influxdb.1.database',
      reason: /required with api: v1/,
    },
    { name: 'bad url keeps its path', yaml: 'influxdb:\n  url: nope\n', key: 'influxdb.url', reason: /url/i },
    { name: 'unknown key', yaml: 'influxdb:\n  databse: x\n', key: 'influxdb.databse', reason: /unknown key/ },
    { name: 'unknown key in a list', yaml: 'influxdb:\n  - urll: x\n', key: 'influxdb.0.urll', reason: /unknown key/ },
    { name: 'bad api', yaml: 'influxdb:\n  api: v3\n', key: 'influxdb.api', reason: /v2.*v1/ },
    {
      name: 'database with v2',
      yaml: 'influxdb:\n  url: http://a:8086\n  database: x\n',
      key: 'influxdb.database',
      reason: /api: v1 only/,
    },
    {
      name: 'user and tokenFile',
      yaml: 'influxdb:\n  url: http://a:8086\n  api: v1\n  database: d\n  user: u\n  tokenFile: /t\n',
      key: 'influxdb.tokenFile',
      reason: /either user/,
    },
    {
      name: 'passwordFile without user',
      yaml: 'influxdb:\n  url: http://a:8086\n  api: v1\n  database: d\n  passwordFile: /p\n',
      key: 'influxdb.user',
      reason: /required with passwordFile/,
    },
    { name: 'list entry without url', yaml: 'influxdb:\n  - bucket: b\n', key: 'influxdb.0.url', reason: /required/ },
    {
      name: 'duplicate names',
      yaml: 'influxdb:\n  - url: http://a:1\n    name: x\n  - url: http://b:1\n    name: x\n',
      key: 'influxdb.1.name',
      reason: /already the name of output 0/,
    },
    {
      name: 'a default name taken',
      yaml: 'influxdb:\n  - url: http://a:1\n    name: "1"\n  - url: http://b:1\n',
      key: 'influxdb.1.name',
      reason: /"1" is already/,
    },
    {
      name: 'shared spoolDir',
      yaml: 'influxdb:\n  - url: http://a:1\n    spoolDir: /s\n  - url: http://b:1\n    spoolDir: /s\n',
      key: 'influxdb.1.spoolDir',
      reason: /its own/,
    },
    {
      name: 'name with a slash',
      yaml: 'influxdb:\n  - url: http://a:1\n    name: a/b\n',
      key: 'influxdb.0.name',
      reason: /directory/,
    },
    { name: 'a scalar', yaml: 'influxdb: http://a:8086\n', key: 'influxdb', reason: /object/i },
  ];
  for (const c of cases) {
    assert.throws(
      () => parse('agent', c.yaml),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError, c.name);
        assert.equal(err.key, c.key, c.name);
        assert.match(err.reason, c.reason, c.name);
        return true;
      },
      c.name,
    );
  }
});
