import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load, loadAll } from 'js-yaml';
import { ConfigError } from './errors.js';
import { loadConfig, validate } from './config.js';

const dir = mkdtempSync(join(tmpdir(), 'slurmscope-config-'));
const write = (name: string, text: string): string => {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
};
const emptyEtc = mkdtempSync(join(tmpdir(), 'slurmscope-etc-'));

test('no file anywhere: built-in defaults, every output but /metrics off', () => {
  const { config, source } = loadConfig('agent', { env: {}, etcDir: emptyEtc });
  assert.equal(source, '(defaults)');
  assert.equal(config.interval, 10_000);
  assert.equal(config.throttle.mode, 'off');
  assert.equal(config.throttle.grace, 60_000);
  assert.equal(config.influxdb.url, undefined);
  assert.equal(config.ctld.url, undefined);
  const ctld = loadConfig('ctld', { env: {}, etcDir: emptyEtc }).config;
  assert.equal(ctld.interval, 30_000);
  assert.equal(ctld.smtp.host, undefined);
  assert.equal(ctld.influxdb.url, undefined);
});

test('lookup order: --config, then $SLURMSCOPE_CONFIG, then /etc/slurmscope/<kind>.yaml', () => {
  const a = write('a.yaml', 'interval: 1s\n');
  const b = write('b.yaml', 'interval: 2s\n');
  const etc = mkdtempSync(join(tmpdir(), 'slurmscope-etc-'));
  writeFileSync(join(etc, 'agent.yaml'), 'interval: 3s\n');
  assert.equal(loadConfig('agent', { explicit: a, env: { SLURMSCOPE_CONFIG: b }, etcDir: etc }).config.interval, 1000);
  assert.equal(loadConfig('agent', { env: { SLURMSCOPE_CONFIG: b }, etcDir: etc }).config.interval, 2000);
  assert.equal(loadConfig('agent', { env: {}, etcDir: etc }).config.interval, 3000);
  assert.equal(loadConfig('agent', { env: {}, etcDir: etc }).source, join(etc, 'agent.yaml'));
});

test('bad configs: one ConfigError naming file and key', () => {
  const cases: Array<{ name: string; text: string; key: string; reason: RegExp }> = [
    { name: 'unknown top-level key', text: 'intervall: 10s\n', key: 'intervall', reason: /unknown key/ },
    { name: 'unknown nested key', text: 'throttle:\n  mod: node\n', key: 'throttle.mod', reason: /unknown key/ },
    { name: 'bad enum', text: 'throttle:\n  mode: fast\n', key: 'throttle.mode', reason: /off.*node.*core/ },
    { name: 'bad duration', text: 'throttle:\n  grace: 60\n', key: 'throttle.grace', reason: /string|duration/ },
    { name: 'bad duration unit', text: 'interval: 10x\n', key: 'interval', reason: /not a duration/ },
    { name: 'bad listen', text: 'prometheus:\n  listen: 9817\n', key: 'prometheus.listen', reason: /string|host:port/ },
    { name: 'bad url', text: 'influxdb:\n  url: not a url\n', key: 'influxdb.url', reason: /URL/i },
    {
      name: 'negative floor',
      text: 'throttle:\n  floorKHz: -5\n',
      key: 'throttle.floorKHz',
      reason: /too small|>0|positive|greater than 0/i,
    },
  ];
  for (const c of cases) {
    const file = write(`${c.name.replace(/\W+/g, '-')}.yaml`, c.text);
    assert.throws(
      () => loadConfig('agent', { explicit: file, env: {} }),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError, c.name);
        assert.equal(err.file, file, c.name);
        assert.equal(err.key, c.key, c.name);
        assert.match(err.reason, c.reason, c.name);
        assert.ok(!err.message.includes('\n'), `${c.name}: one line`);
        return true;
      },
    );
  }
});

test('unparseable YAML, non-mapping top level, missing file: ConfigError with the file', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['broken.yaml', 'interval: [\n', /invalid YAML: line \d+/],
    ['dupkey.yaml', 'interval: 1s\ninterval: 2s\n', /invalid YAML: line 2, column 1: duplicated mapping key/],
    ['two-docs.yaml', 'interval: 1s\n---\ninterval: 2s\n', /invalid YAML: more than one document/],
    ['list.yaml', '- a\n- b\n', /top level must be a mapping/],
    ['scalar.yaml', 'hello\n', /top level must be a mapping/],
  ];
  for (const [name, text, reason] of cases) {
    const file = write(name, text);
    assert.throws(
      () => loadConfig('ctld', { explicit: file, env: {} }),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError, name);
        assert.equal(err.file, file);
        assert.match(err.message, reason, name);
        return true;
      },
    );
  }
  assert.throws(
    () => loadConfig('ctld', { explicit: join(dir, 'absent.yaml'), env: {} }),
    /cannot read config file \(ENOENT\)/,
  );
  assert.throws(
    () => loadConfig('agent', { env: { SLURMSCOPE_CONFIG: join(dir, 'absent.yaml') } }),
    /absent\.yaml: cannot read/,
  );
});

test('an empty file means defaults', () => {
  const file = write('empty.yaml', '# nothing here\n');
  assert.equal(loadConfig('agent', { explicit: file, env: {} }).config.interval, 10_000);
});

for (const kind of ['agent', 'ctld'] as const) {
  test(`sample-${kind}.yaml: valid, and uncommented it equals the built-in defaults`, () => {
    const url = new URL(`../../cli/sample-${kind}.yaml`, import.meta.url);
    const text = readFileSync(url, 'utf8');
    const commented = validate(kind, loadAll(text)[0] ?? {}, url.pathname);
    const defaults = validate(kind, {}, '(defaults)');
    assert.deepEqual(commented, defaults, 'the sample as shipped (all commented) is the defaults');
    // Uncomment every "# key: value" line that carries a default and validate again.
    const uncommented = text
      .split('\n')
      .filter((line) => /^\s*# ?\s*[A-Za-z]\w*:( |$)/.test(line))
      .map((line) => line.replace(/^(\s*)# ?/, '$1'))
      .join('\n');
    const full = load(uncommented);
    const parsed = validate(kind, full, url.pathname);
    assert.deepEqual(parsed, defaults, 'every default shown equals the schema default');
  });
}
