import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HttpError, RequestTimedOutError } from '@influxdata/influxdb-client';
import { backoffDelay, classifyWriteError, parseRetryAfter } from './write-error.js';

const NOW = Date.parse('2024-05-01T12:00:00Z');
const http = (status: number, body = '', headers: Record<string, string> = {}): HttpError =>
  new HttpError(status, 'x', body, headers['retry-after'], 'application/json', undefined, headers);

test('classifyWriteError: named cases', () => {
  const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8086'), { code: 'ECONNREFUSED' });
  const cases: Array<{
    name: string;
    err: unknown;
    retryable: boolean;
    tooLarge?: boolean;
    status?: number;
    retryAfterMs?: number;
    message: RegExp;
  }> = [
    { name: '500', err: http(500, 'internal'), retryable: true, status: 500, message: /^HTTP 500: internal$/ },
    {
      name: '503 with Retry-After',
      err: http(503, '', { 'retry-after': '7' }),
      retryable: true,
      status: 503,
      retryAfterMs: 7000,
      message: /HTTP 503/,
    },
    {
      name: '429 with Retry-After',
      err: http(429, 'slow down', { 'retry-after': '2' }),
      retryable: true,
      status: 429,
      retryAfterMs: 2000,
      message: /HTTP 429: slow down/,
    },
    {
      name: '400 is final, body excerpt kept',
      err: http(400, '{"code":"invalid","message":"unable to parse\n line 1"}'),
      retryable: false,
      status: 400,
      message: /^HTTP 400: \{"code":"invalid","message":"unable to parse line 1"\}$/,
    },
    {
      name: '401 is kept: the token is wrong until an admin fixes it',
      err: http(401, 'unauthorized'),
      retryable: true,
      status: 401,
      message: /HTTP 401: the store refuses the token .*unauthorized/,
    },
    {
      name: '403 is kept',
      err: http(403, 'insufficient permissions for write'),
      retryable: true,
      status: 403,
      message: /HTTP 403: .*insufficient permissions/,
    },
    {
      name: '413 is too large: not retryable as it is, split by the sink',
      err: http(413, ''),
      retryable: false,
      tooLarge: true,
      status: 413,
      message: /HTTP 413: .*above the store's limit/,
    },
    {
      name: '404 is kept and names the missing v2 write API',
      err: http(404, '404 page not found'),
      retryable: true,
      status: 404,
      message:
        /this server has no \/api\/v2\/write \(InfluxDB before 1\.8\?\): set influxdb\.api: v1.*404 page not found/,
    },
    {
      name: 'long body is cut',
      err: http(400, 'x'.repeat(1000)),
      retryable: false,
      status: 400,
      message: /^HTTP 400: x{200}$/,
    },
    { name: 'timeout', err: new RequestTimedOutError(), retryable: true, message: /timed out/ },
    { name: 'connection refused', err: refused, retryable: true, message: /ECONNREFUSED/ },
    { name: 'a string thrown', err: 'socket hang up', retryable: true, message: /socket hang up/ },
  ];
  for (const c of cases) {
    const got = classifyWriteError(c.err, NOW);
    assert.equal(got.retryable, c.retryable, c.name);
    assert.equal(got.tooLarge, c.tooLarge, c.name);
    assert.equal(got.status, c.status, c.name);
    assert.equal(got.retryAfterMs, c.retryAfterMs, c.name);
    assert.match(got.message, c.message, c.name);
  }
});

test('classifyWriteError: v1 (/write) answers name the database, retention policy or credentials', () => {
  const v1 = { api: 'v1' as const, what: 'database "metrics"' };
  const cases: Array<{ name: string; err: HttpError; retryable: boolean; misconfigured?: boolean; message: RegExp }> = [
    {
      name: '404 database not found: kept, names the database',
      err: http(404, '{"error":"database not found: \\"metrics\\""}'),
      retryable: true,
      misconfigured: true,
      message: /^HTTP 404 from \/write: database "metrics" does not exist \(CREATE DATABASE/,
    },
    {
      name: '500 retention policy not found: kept, names the key',
      err: http(500, '{"error":"retention policy not found: weekly"}'),
      retryable: true,
      misconfigured: true,
      message: /the retention policy does not exist .*influxdb\.retentionPolicy.*weekly/,
    },
    {
      name: '401: kept, names the v1 credential keys',
      err: http(401, '{"error":"authorization failed"}'),
      retryable: true,
      misconfigured: true,
      message:
        /refuses the credentials \(check influxdb\.user and passwordFile, or tokenFile, and the rights on database "metrics"\)/,
    },
    {
      name: '404 without a body: no /write or no database',
      err: http(404, ''),
      retryable: true,
      misconfigured: true,
      message: /^HTTP 404 from \/write: the server has no \/write or database "metrics" does not exist/,
    },
    {
      name: '400 field type conflict: final',
      err: http(400, '{"error":"partial write: field type conflict"}'),
      retryable: false,
      message: /^HTTP 400: .*field type conflict/,
    },
    { name: '503: an outage', err: http(503, 'busy'), retryable: true, message: /^HTTP 503: busy$/ },
  ];
  for (const c of cases) {
    const f = classifyWriteError(c.err, NOW, v1);
    assert.equal(f.retryable, c.retryable, c.name);
    assert.equal(f.misconfigured, c.misconfigured, c.name);
    assert.match(f.message, c.message, c.name);
  }
});

test('parseRetryAfter: seconds, HTTP date, malformed', () => {
  const cases: Array<[string | undefined, number | undefined]> = [
    ['3', 3000],
    [' 0 ', 0],
    ['Wed, 01 May 2024 12:00:05 GMT', 5000],
    ['Wed, 01 May 2024 11:00:00 GMT', 0],
    ['-1', undefined],
    ['soon', undefined],
    ['1.5', undefined],
    [undefined, undefined],
  ];
  for (const [text, want] of cases) assert.equal(parseRetryAfter(text, NOW), want, String(text));
});

test('backoffDelay: exponential, capped, equal jitter, Retry-After honoured up to the cap', () => {
  const opts = { baseMs: 100, maxMs: 1000 };
  const cases: Array<{ name: string; failures: number; random: number; retryAfterMs?: number; want: number }> = [
    { name: 'first retry, no jitter', failures: 1, random: 0, want: 50 },
    { name: 'first retry, full jitter', failures: 1, random: 1, want: 100 },
    { name: 'third retry doubles twice', failures: 3, random: 1, want: 400 },
    { name: 'capped', failures: 20, random: 1, want: 1000 },
    { name: 'Retry-After longer than backoff', failures: 1, random: 0, retryAfterMs: 700, want: 700 },
    { name: 'Retry-After beyond the cap', failures: 1, random: 0, retryAfterMs: 60_000, want: 1000 },
  ];
  for (const c of cases)
    assert.equal(
      backoffDelay(c.failures, opts, () => c.random, c.retryAfterMs),
      c.want,
      c.name,
    );
});
