import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, ctldConfigSchema, ParseError } from '@slurmscope/common';
import { RecordingLogger } from '@slurmscope/model';
import {
  co2Grams,
  co2MethodNote,
  co2OfIntervals,
  createIntensitySource,
  HttpIntensity,
  intensityAt,
  overheadJoules,
  parseElectricityMaps,
  parseIntensityCsv,
  type Fetcher,
} from './co2.js';

const fixture = (name: string): string => fileURLToPath(new URL(`../testdata/co2/${name}`, import.meta.url));
const T0 = Date.parse('2026-01-01T00:00:00Z');
const H = 3600_000;

test('co2: kWh x PUE x intensity, summed over intervals whose intensity changes', () => {
  assert.equal(co2Grams(3.6e6, 1, 300), 300);
  assert.equal(co2Grams(3.6e6, 1.5, 200), 300);
  // 1 kWh at 300 g, then 2 kWh at 150 g, with PUE 1.2: (300 + 300) * 1.2.
  const g = co2OfIntervals(
    [
      { joules: 3.6e6, gPerKwh: 300 },
      { joules: 7.2e6, gPerKwh: 150 },
    ],
    1.2,
  );
  assert.ok(Math.abs(g - 720) < 1e-9, String(g));
  assert.equal(overheadJoules(50, 4, 10), 2000);
  assert.equal(overheadJoules(50, 4, -1), 0);
});

test('co2: the method note names what RAPL misses, the basis, the source and the fallback', () => {
  const note = co2MethodNote({ basis: 'direct', source: 'http' }, true, 0);
  assert.match(note, /RAPL \+ GPU energy leaves out power supplies, fans, network and disks/);
  assert.match(note, /intensity basis: direct; source: http \(fallback used: yes\)/);
  assert.match(co2MethodNote({ basis: 'lifecycle', source: 'constant' }, false, 40), /overhead of 40 W per node/);
});

test('parseIntensityCsv: good inputs', () => {
  const cases: [string, string, [number, number][]][] = [
    ['header, comment, blank', '# c\ntimestamp,gco2_per_kwh\n\n2026-01-01T00:00:00Z,300\n', [[T0, 300]]],
    [
      'no header, unix seconds, CRLF',
      `${T0 / 1000},12.5\r\n${T0 / 1000 + 60},0\r\n`,
      [
        [T0, 12.5],
        [T0 + 60_000, 0],
      ],
    ],
    ['offset zone', '2026-01-01T02:00:00+01:00,450', [[T0 + H, 450]]],
  ];
  for (const [name, text, want] of cases) {
    assert.deepEqual(
      parseIntensityCsv(text, 'x.csv').map((p) => [p.tMs, p.gPerKwh]),
      want,
      name,
    );
  }
  assert.equal(parseIntensityCsv(readFileSync(fixture('intensity.csv'), 'utf8'), 'f').length, 3);
});

test('parseIntensityCsv: malformed rows name the line', () => {
  const cases: [string, string, RegExp][] = [
    ['three columns', 'timestamp,gco2_per_kwh\n2026-01-01T00:00:00Z,3,4\n', /x\.csv:2: expected/],
    ['time without zone', '2026-01-01T00:00:00,3\n', /x\.csv:1: bad timestamp/],
    ['not a time', 'yesterday,3\n', /x\.csv:1: bad timestamp/],
    ['negative value', '# c\n2026-01-01T00:00:00Z,-1\n', /x\.csv:2: bad gco2_per_kwh/],
    ['empty value', '2026-01-01T00:00:00Z,\n', /x\.csv:1: bad gco2_per_kwh/],
    ['descending', '2026-01-01T01:00:00Z,1\n2026-01-01T00:00:00Z,2\n', /x\.csv:2: timestamps must ascend/],
    ['no rows', 'timestamp,gco2_per_kwh\n', /x\.csv: no intensity rows/],
  ];
  for (const [name, text, re] of cases) {
    assert.throws(
      () => parseIntensityCsv(text, 'x.csv'),
      (e: unknown) => e instanceof ParseError && re.test(e.message),
      name,
    );
  }
});

test('intensityAt: the last row at or before the time', () => {
  const s = parseIntensityCsv(readFileSync(fixture('intensity.csv'), 'utf8'), 'f');
  assert.equal(intensityAt(s, T0 - 1), undefined);
  assert.equal(intensityAt(s, T0), 300);
  assert.equal(intensityAt(s, T0 + H - 1), 300);
  assert.equal(intensityAt(s, T0 + H), 150);
  assert.equal(intensityAt(s, T0 + 2 * H - 1), 150);
  assert.equal(intensityAt(s, T0 + 2 * H), 450); // 03:00+01:00 is 02:00Z
  assert.equal(intensityAt(s, T0 + 10 * H), 450);
});

test('parseElectricityMaps: the documented shape, and malformed answers', () => {
  const ok = parseElectricityMaps(readFileSync(fixture('electricitymaps-latest.json'), 'utf8'), 'em');
  assert.deepEqual(ok, {
    zone: 'DE',
    carbonIntensity: 302,
    datetimeMs: Date.parse('2026-01-01T12:00:00.000Z'),
    emissionFactorType: 'lifecycle',
  });
  const bad: [string, string, RegExp][] = [
    ['not JSON', '<html>', /invalid JSON/],
    ['array', '[]', /carbonIntensity/],
    ['null intensity', '{"carbonIntensity":null,"datetime":"2026-01-01T00:00:00Z"}', /carbonIntensity/],
    ['no datetime', '{"carbonIntensity":3}', /datetime/],
  ];
  for (const [name, text, re] of bad) assert.throws(() => parseElectricityMaps(text, 'em'), re, name);
});

function fakeFetch(answers: (() => Response)[]): {
  fetch: Fetcher;
  calls: { url: string; headers: Record<string, string> }[];
} {
  const calls: { url: string; headers: Record<string, string> }[] = [];
  return {
    calls,
    fetch: (url, init) => {
      calls.push({ url, headers: init.headers });
      const next = answers.shift();
      return next === undefined ? Promise.reject(new Error('no more answers')) : Promise.resolve(next());
    },
  };
}

test('HTTP source: token header, cache, fallback to last good value then to the constant', async () => {
  const body = readFileSync(fixture('electricitymaps-latest.json'), 'utf8');
  const f = fakeFetch([() => new Response(body), () => new Response('down', { status: 503 })]);
  const log = new RecordingLogger();
  const dir = mkdtempSync(join(tmpdir(), 'co2-'));
  const tokenFile = join(dir, 'token');
  writeFileSync(tokenFile, 'sekret\n', { mode: 0o600 });
  const co2 = ctldConfigSchema.parse({
    co2: {
      intensitySource: 'http',
      intensity: 111,
      http: { url: 'http://em.test/', zone: 'DE', tokenFile, cacheFor: '1m' },
    },
  }).co2;
  const src = await createIntensitySource(co2, { log, fetch: f.fetch });
  // Before any answer: the constant, flagged as fallback.
  assert.deepEqual(src.at(0), { gPerKwh: 111, source: 'http', fallback: true, basis: 'lifecycle' });
  const http = new HttpIntensity({
    url: 'http://em.test/',
    zone: 'DE',
    token: 'sekret',
    cacheForMs: 60_000,
    timeoutMs: 1000,
    log,
    fetch: f.fetch,
  });
  await http.refresh(1000);
  assert.equal(f.calls[0]?.url, 'http://em.test/v3/carbon-intensity/latest?zone=DE');
  assert.equal(f.calls[0]?.headers['auth-token'], 'sekret');
  assert.equal(http.latest?.carbonIntensity, 302);
  await http.refresh(30_000); // fresh: no request
  assert.equal(f.calls.length, 1);
  await http.refresh(62_000); // stale: the 503 keeps the last good value
  assert.equal(f.calls.length, 2);
  assert.equal(http.errors, 1);
  assert.equal(http.latest?.carbonIntensity, 302);
  assert.ok(log.records.some((r) => r.level === 'warn' && /fetch failed/.test(r.msg)));
  assert.ok(!JSON.stringify(log.records).includes('sekret'), 'the token is never logged');
});

test('createIntensitySource: csv source with a malformed row is a ConfigError with the line', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'co2-'));
  const csv = join(dir, 'i.csv');
  writeFileSync(csv, 'timestamp,gco2_per_kwh\n2026-01-01T00:00:00Z,300\n2026-01-01T01:00:00Z,abc\n');
  const log = new RecordingLogger();
  const cfg = (co2: object) => ctldConfigSchema.parse({ co2 }).co2;
  await assert.rejects(
    createIntensitySource(cfg({ intensitySource: 'csv', csvFile: csv }), { log }),
    (e: unknown) => e instanceof ConfigError && e.key === 'co2.csvFile' && /i\.csv:3: bad gco2_per_kwh/.test(e.message),
  );
  await assert.rejects(createIntensitySource(cfg({ intensitySource: 'csv' }), { log }), /co2\.csvFile.*required/);
  await assert.rejects(createIntensitySource(cfg({ intensitySource: 'http' }), { log }), /co2\.http\.zone.*required/);
  const ok = await createIntensitySource(
    cfg({ intensitySource: 'csv', csvFile: fixture('intensity.csv'), intensity: 99 }),
    { log },
  );
  assert.deepEqual(ok.at(T0 + H), { gPerKwh: 150, source: 'csv', fallback: false, basis: 'lifecycle' });
  assert.deepEqual(ok.at(T0 - 1), { gPerKwh: 99, source: 'csv', fallback: true, basis: 'lifecycle' });
});
