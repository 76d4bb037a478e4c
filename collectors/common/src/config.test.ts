import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load, loadAll } from 'js-yaml';
import { ConfigError } from './errors.js';
import { z } from 'zod/v3';
import { agentConfigSchema } from './agent-config.js';
import { ctldConfigSchema } from './ctld-config.js';
import { influxOutputSchema, influxSection } from './schema-parts.js';
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
  assert.deepEqual(config.influxdb, [], 'no InfluxDB output');
  assert.equal(config.ctld.url, undefined);
  const ctld = loadConfig('ctld', { env: {}, etcDir: emptyEtc }).config;
  assert.equal(ctld.interval, 30_000);
  assert.equal(ctld.smtp.host, undefined);
  assert.deepEqual(ctld.influxdb, []);
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
    { name: 'interval 0ms', text: 'interval: 0ms\n', key: 'interval', reason: /^must be between 100ms and 5m$/ },
    { name: 'interval 30d', text: 'interval: 30d\n', key: 'interval', reason: /^must be between 100ms and 5m$/ },
    {
      name: 'grace 2d',
      text: 'throttle:\n  grace: 2d\n',
      key: 'throttle.grace',
      reason: /^must be between 0ms and 1d$/,
    },
    { name: 'gpu timeout 0ms', text: 'gpu:\n  timeout: 0ms\n', key: 'gpu.timeout', reason: /between 100ms and 10m/ },
    {
      name: 'port beyond 65535',
      text: 'prometheus:\n  listen: 127.0.0.1:99999\n',
      key: 'prometheus.listen',
      reason: /^port must be between 0 and 65535, not 99999$/,
    },
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

test('ctld: out-of-range durations and ports name the key and the bounds', () => {
  const cases: Array<[string, string, string]> = [
    ['interval: 0ms\n', 'interval', 'must be between 1s and 1h'],
    ['interval: 30d\n', 'interval', 'must be between 1s and 1h'],
    ['slurm:\n  timeout: 11m\n', 'slurm.timeout', 'must be between 100ms and 10m'],
    ['co2:\n  http:\n    cacheFor: 10s\n', 'co2.http.cacheFor', 'must be between 1m and 1d'],
    ['api:\n  listen: 127.0.0.1:65536\n', 'api.listen', 'port must be between 0 and 65535, not 65536'],
  ];
  for (const [text, key, reason] of cases) {
    const file = write(`ctld-${key}.yaml`, text);
    assert.throws(
      () => loadConfig('ctld', { explicit: file, env: {} }),
      (err: unknown) => err instanceof ConfigError && err.message === `${file}: key "${key}": ${reason}`,
      text,
    );
  }
  for (const ok of ['interval: 1s\n', 'interval: 1h\n', 'api:\n  listen: "[::1]:0"\n', 'api:\n  listen: :65535\n'])
    assert.doesNotThrow(() => validate('ctld', load(ok), 'ok.yaml'), ok);
});

test('ctld: inspector.partitions.<p>.<kind> takes only the keys that kind uses', () => {
  const cases: Array<[string, string, string, RegExp]> = [
    [
      'oom_killed has no grace',
      'oom_killed:\n      grace: 5m',
      'inspector.partitions.debug.oom_killed.grace',
      /unknown key/,
    ],
    [
      'uneven_load has no minTimeLimit',
      'uneven_load:\n      minTimeLimit: 2h',
      'inspector.partitions.debug.uneven_load.minTimeLimit',
      /unknown key/,
    ],
    [
      'memory_over_request has no sustain',
      'memory_over_request:\n      sustain: 1m',
      'inspector.partitions.debug.memory_over_request.sustain',
      /unknown key/,
    ],
    [
      'a misspelt key',
      'idle_gpus:\n      treshold: 0.1',
      'inspector.partitions.debug.idle_gpus.treshold',
      /unknown key/,
    ],
    ['an unknown kind', 'idle_gpu:\n      threshold: 0.1', 'inspector.partitions.debug.idle_gpu', /unknown key/],
    ['a bad value', 'idle_gpus:\n      threshold: 2', 'inspector.partitions.debug.idle_gpus.threshold', /1/],
  ];
  for (const [name, rule, key, reason] of cases) {
    const text = `inspector:\n  partitions:\n    debug:\n      ${rule.replace(/\n {6}/, '\n        ')}\n`;
    assert.throws(
      () => validate('ctld', load(text), 'p.yaml'),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError, name);
        assert.equal(err.key, key, name);
        assert.match(err.reason, reason, name);
        return true;
      },
      name,
    );
  }
  const ok = validate(
    'ctld',
    load(
      'inspector:\n  partitions:\n    debug:\n      uneven_load:\n        grace: 0ms\n      time_limit_over_request:\n        minTimeLimit: 2h\n',
    ),
    'ok.yaml',
  ) as { inspector: { partitions: Record<string, unknown> } };
  assert.deepEqual(ok.inspector.partitions, {
    debug: { uneven_load: { grace: 0 }, time_limit_over_request: { minTimeLimit: 7_200_000 } },
  });
});

/** Dotted paths of every duration key of a schema (zod transforms of a string; listen addresses are refinements). */
function durationKeys(schema: z.ZodTypeAny, path: string[] = []): string[] {
  let s = schema;
  while (s instanceof z.ZodDefault || s instanceof z.ZodOptional) s = s._def.innerType as z.ZodTypeAny;
  // `influxdb` is one output or a list of them, parsed by hand: its keys are those of one output.
  if (s === influxSection) return durationKeys(influxOutputSchema.innerType(), path);
  if (s instanceof z.ZodObject)
    return Object.entries(s.shape as Record<string, z.ZodTypeAny>).flatMap(([k, v]) => durationKeys(v, [...path, k]));
  if (s instanceof z.ZodEffects && s._def.effect.type === 'transform' && s.innerType() instanceof z.ZodString)
    return [path.join('.')];
  return [];
}

/** Each "# key: value" line of a sample config by dotted path, with the comment lines just above it. */
function sampleKeyLines(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const stack: string[] = [];
  let above: string[] = [];
  for (const line of text.split('\n')) {
    const m = /^#[# ]( *)([A-Za-z]\w*):( |$)/.exec(line);
    if (!m) {
      above = line.trim() === '' ? [] : [...above, line];
      continue;
    }
    const depth = Math.floor(m[1]!.length / 2); // "## key:" is a top-level example
    stack.length = depth;
    stack.push(m[2]!);
    out.set(stack.join('.'), [...above, line].join('\n'));
    above = [];
  }
  return out;
}

for (const [kind, schema] of [
  ['agent', agentConfigSchema],
  ['ctld', ctldConfigSchema],
] as const) {
  test(`${kind}: every duration key has bounds (never past 24.8 days, where Node's timers overflow), shown in the sample`, () => {
    const keys = durationKeys(schema);
    assert.ok(keys.length >= 6, keys.join(' '));
    const sample = sampleKeyLines(readFileSync(new URL(`../../cli/sample-${kind}.yaml`, import.meta.url), 'utf8'));
    for (const key of keys) {
      const raw = key.split('.').reduceRight<unknown>((value, k) => ({ [k]: value }), '30d');
      let bounds: RegExpExecArray | null = null;
      assert.throws(
        () => validate(kind, raw, 'f.yaml'),
        (err: unknown) =>
          err instanceof ConfigError &&
          err.key === key &&
          (bounds = /^must be between (\S+) and (\S+)$/.exec(err.reason)) !== null,
        `${key}: 30d`,
      );
      const [, min, max] = bounds as unknown as RegExpExecArray;
      assert.ok(
        sample.get(key)?.includes(`${min} to ${max}`),
        `sample-${kind}.yaml shows "${min} to ${max}" for ${key}`,
      );
    }
  });
}

test('ctld: api.corsOrigins takes only origins, portal.frameAncestors only CSP sources', () => {
  const bad: Array<[string, string]> = [
    ['api:\n  corsOrigins: ["https://portal.example.org/"]\n', 'api.corsOrigins.0'],
    ['api:\n  corsOrigins: ["https://a.example.org", "portal.example.org"]\n', 'api.corsOrigins.1'],
    ['api:\n  corsOrigins: ["ftp://portal.example.org"]\n', 'api.corsOrigins.0'],
    ['api:\n  corsOrigins: ["*"]\n', 'api.corsOrigins.0'],
    ['api:\n  corsOrigins: ["https://Portal.example.org"]\n', 'api.corsOrigins.0'],
    ['portal:\n  frameAncestors: ["https://a.example.org; script-src \'unsafe-inline\'"]\n', 'portal.frameAncestors.0'],
    ['portal:\n  frameAncestors: ["\'none\'"]\n', 'portal.frameAncestors.0'],
  ];
  for (const [text, key] of bad) {
    const file = write('ctld-cors.yaml', text);
    assert.throws(
      () => loadConfig('ctld', { explicit: file, env: {} }),
      (err: unknown) => err instanceof ConfigError && err.key === key && /must be/.test(err.message),
      text,
    );
  }
  const ok = validate(
    'ctld',
    load(
      'api:\n  corsOrigins: ["https://portal.example.org", "http://localhost:8080"]\n' +
        'portal:\n  frameAncestors: ["https://*.example.org", "intranet.example.org:8443", "https:"]\n',
    ),
    'ok.yaml',
  );
  assert.deepEqual(ok.api.corsOrigins, ['https://portal.example.org', 'http://localhost:8080']);
  assert.deepEqual(ok.portal.frameAncestors, ['https://*.example.org', 'intranet.example.org:8443', 'https:']);
});
