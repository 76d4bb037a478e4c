import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { get } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { Authenticator } from '../auth/authenticator.js';
import type { ReportIndexEntry } from '../reports/types.js';
import { Co2Answers, co2Answer, co2By, co2WindowMs, MAX_CO2_ROWS, newestFirst, type Co2Row } from './co2-view.js';
import { buildCycleView } from './cycle-view.js';
import { HttpError } from './http.js';
import type { ReportServicePort } from './report-port.js';
import { emptyPollResult, startTestApi, type TestApi } from './testkit.js';

const H = 3_600_000;
const NOW = Date.parse('2025-06-01T12:00:00.000Z');

/** An index entry of a job that ended `agoMs` before NOW with `energy` joules (and a tenth of it in grams). */
function entry(jobid: string, agoMs: number | null, energy: number | null, extra: Partial<ReportIndexEntry> = {}) {
  return {
    jobid,
    display_id: `${jobid}_1`,
    user: 'alice',
    state: 'COMPLETED',
    end_time: agoMs === null ? null : new Date(NOW - agoMs).toISOString(),
    written_at: new Date(NOW).toISOString(),
    account: 'physics',
    partition: 'batch',
    energy_joules: energy,
    co2_grams: energy === null ? null : energy / 10,
    ...extra,
  } satisfies ReportIndexEntry;
}

const BOB = { user: 'bob', account: 'chem', partition: 'gpu' };
const ENTRIES: readonly ReportIndexEntry[] = [
  entry('1', 1 * H, 1000),
  entry('2', 23 * H, 500.5, BOB),
  entry('3', 2 * H, null), // nothing measured it
  entry('4', 24 * H, 10, { user: 'carol' }), // exactly at the window's start: in
  entry('5', 24 * H + 1, 20_000, BOB), // just before it: out
  entry('6', null, 7), // no end time: never in a window
  entry('7', -1000, 9), // ended after the cycle's time: next cycle's
  entry('8', 100 * H, 3, { account: null, partition: null }), // an old index line
];
const SORTED = newestFirst(ENTRIES, NOW);
const TOTAL_24H = { energy_joules: 1510.5, co2_grams: 151.05, jobs: 3, unmeasured: 1 };

test('co2Answer by user/account/partition: sums of measured jobs per key, largest CO2e first; totals as before', () => {
  const a = co2Answer(SORTED, NOW, 24 * H);
  assert.deepEqual(
    [a.from, a.to, a.hours, a.by, a.total, a.rowsOmitted],
    ['2025-05-31T12:00:00.000Z', '2025-06-01T12:00:00.000Z', 24, 'user', TOTAL_24H, undefined],
  );
  assert.deepEqual(a.rows, [
    { key: 'alice', energy_joules: 1000, co2_grams: 100, jobs: 1 },
    { key: 'bob', energy_joules: 500.5, co2_grams: 50.05, jobs: 1 },
    { key: 'carol', energy_joules: 10, co2_grams: 1, jobs: 1 },
  ]);
  assert.deepEqual(co2Answer(SORTED, NOW, 24 * H, 'account').rows, [
    { key: 'physics', energy_joules: 1010, co2_grams: 101, jobs: 2 },
    { key: 'chem', energy_joules: 500.5, co2_grams: 50.05, jobs: 1 },
  ]);
  const week = co2Answer(SORTED, NOW, 168 * H, 'partition');
  assert.deepEqual(week.rows, [
    { key: 'gpu', energy_joules: 20_500.5, co2_grams: 2050.05, jobs: 2 },
    { key: 'batch', energy_joules: 1010, co2_grams: 101, jobs: 2 },
    { key: '(unknown)', energy_joules: 3, co2_grams: 0.3, jobs: 1 },
  ]);
  assert.equal(
    week.rows.reduce((n, r) => n + r.jobs, 0),
    week.total.jobs,
  );
  assert.deepEqual(co2Answer([], NOW, H).total, { energy_joules: 0, co2_grams: 0, jobs: 0, unmeasured: 0 });
});

test('co2Answer by job: each job newest first with its fields; `user` keeps only theirs, totals included', () => {
  const a = co2Answer(SORTED, NOW, 24 * H, 'job');
  const rows = a.rows as readonly Co2Row[];
  assert.deepEqual(
    rows.map((r) => [r.key, r.jobid]),
    [
      ['1', '1'],
      ['3', '3'],
      ['2', '2'],
      ['4', '4'],
    ],
  );
  assert.deepEqual([a.total, a.rowsOmitted, a.by], [TOTAL_24H, 0, 'job']);
  assert.deepEqual(rows[1], {
    key: '3',
    jobid: '3',
    displayId: '3_1',
    user: 'alice',
    account: 'physics',
    partition: 'batch',
    end_time: '2025-06-01T10:00:00.000Z',
    energy_joules: null,
    co2_grams: null,
  });
  const alice = co2Answer(SORTED, NOW, 168 * H, 'job', 'alice');
  assert.deepEqual(
    (alice.rows as readonly Co2Row[]).map((r) => [r.jobid, r.account]),
    [
      ['1', 'physics'],
      ['3', 'physics'],
      ['8', null],
    ],
  );
  assert.deepEqual(alice.total, { energy_joules: 1003, co2_grams: 100.3, jobs: 2, unmeasured: 1 });
  assert.deepEqual(co2Answer(SORTED, NOW, 168 * H, 'job', 'nobody').rows, []);
});

test(`co2Answer by job: beyond ${MAX_CO2_ROWS} rows the newest are listed, every job counted in the totals`, () => {
  const many = Array.from({ length: MAX_CO2_ROWS + 5 }, (_, i) => entry(String(i + 1), i * 100, 2));
  const a = co2Answer(newestFirst(many, NOW), NOW, H, 'job');
  assert.equal(a.rows.length, MAX_CO2_ROWS);
  assert.equal(a.rowsOmitted, 5);
  const rows = a.rows as readonly Co2Row[];
  assert.deepEqual([rows[0]!.jobid, rows.at(-1)!.jobid], ['1', String(MAX_CO2_ROWS)]);
  assert.deepEqual(a.total, { energy_joules: 20_010, co2_grams: 2001, jobs: MAX_CO2_ROWS + 5, unmeasured: 0 });
  assert.deepEqual(co2Answer(newestFirst(many, NOW), NOW, H).rows, [
    { key: 'alice', energy_joules: 20_010, co2_grams: 2001, jobs: MAX_CO2_ROWS + 5 },
  ]);
});

test('co2WindowMs and co2By: the allowed values, else a 400 naming them; none gives the default', () => {
  assert.equal(co2WindowMs(null, 90 * 60_000), 90 * 60_000);
  assert.equal(co2WindowMs('1', 0), H);
  assert.equal(co2WindowMs('168', 0), 168 * H);
  const is400 = (message: string) => (e: unknown) =>
    e instanceof HttpError && e.status === 400 && e.message === message;
  for (const bad of ['0', '169', '1.5', '-1', '', ' 2', '1e2', 'abc', '9'.repeat(400)])
    assert.throws(() => co2WindowMs(bad, H), is400('hours must be an integer from 1 to 168'), bad.slice(0, 10));
  assert.deepEqual(
    [null, 'user', 'account', 'partition', 'job'].map((b) => co2By(b)),
    ['user', 'user', 'account', 'partition', 'job'],
  );
  for (const bad of ['', 'User', 'jobs', 'constructor', 'toString'])
    assert.throws(() => co2By(bad), is400('by must be one of user, account, partition, job'), bad);
});

test('Co2Answers: the usual windows kept for the cycle (bounded), any other built per request, one index read', async () => {
  const answers = new Co2Answers(3 * H);
  const reads: number[] = [];
  const rows = (since: number) => (reads.push(since), ENTRIES);
  const c = { cycle: 1, nowMs: NOW };
  const first = answers.body(c, { windowMs: 24 * H, by: 'user' }, rows);
  assert.equal(answers.body(c, { windowMs: 24 * H, by: 'user' }, rows), first, 'the same answer');
  assert.notEqual(
    answers.body(c, { windowMs: 2 * H, by: 'user' }, rows),
    answers.body(c, { windowMs: 2 * H, by: 'user' }, rows),
  );
  for (let h = 1; h <= 168; h++)
    for (const by of ['user', 'account', 'partition', 'job'] as const)
      await answers.body(c, { windowMs: h * H, by }, rows);
  await answers.body(c, { windowMs: 168 * H, by: 'job', user: 'alice' }, rows);
  assert.equal(answers.cachedCount, 5 * 4, 'portal.co2Window (3 h), 1, 6, 24 and 168 h, by each grouping');
  assert.deepEqual(reads, [NOW - 168 * H]);
  const six = await answers.body(c, { windowMs: 6 * H, by: 'user' }, rows);
  assert.match(six.contentTag, /^[0-9a-f]{16}$/);
  assert.notEqual(six.contentTag, (await first).contentTag);
  const later = await answers.body({ cycle: 2, nowMs: NOW + 500 }, { windowMs: 6 * H, by: 'user' }, rows);
  assert.equal(later.contentTag, six.contentTag, 'from/to moved, the jobs did not: the same tag');
  assert.notEqual(later.tail.toString(), six.tail.toString());
  assert.equal(answers.cachedCount, 1, 'a new cycle starts empty');
});

/** A report service whose index holds `entries` (changed by the test); counts how often the route reads it. */
function fakeReports(entries: ReportIndexEntry[] | null = [...ENTRIES]): ReportServicePort & { reads: number[] } {
  const reads: number[] = [];
  const base = {
    reads,
    observe: () => Promise.resolve(),
    families: () => [],
    close: () => Promise.resolve(),
    get: () => Promise.resolve(undefined),
    owner: () => undefined,
    list: () => Promise.resolve([]),
    hasScript: () => false,
  };
  if (entries === null) return base;
  return {
    ...base,
    co2Rows: (sinceMs: number) => {
      reads.push(sinceMs);
      return entries.filter((e) => e.end_time !== null && Date.parse(e.end_time) >= sinceMs);
    },
  };
}

async function cycle(api: TestApi, n: number): Promise<void> {
  const poll = { result: emptyPollResult(NOW), stale: false };
  api.setView(await buildCycleView({ cycle: n, nowMs: NOW, poll, webjobs: [] }));
}

const ORIGIN = 'https://portal.example.org';

async function serve(t: TestContext, reports: ReportServicePort | undefined): Promise<TestApi> {
  const trustedProxy = { addresses: ['127.0.0.1'], header: 'X-Remote-User' };
  return startTestApi(t, {
    ctx: {
      reports: () => reports,
      now: () => NOW + 500,
      auth: new Authenticator({ adminToken: 'admin-tok', trustedProxy }),
    },
    co2WindowMs: 24 * H,
    web: { corsOrigins: [ORIGIN], frameAncestors: [] },
  });
}

test('GET /api/v1/co2: 503 before a snapshot and before the archive opens, 400 for a bad window or grouping', async (t) => {
  const api = await serve(t, fakeReports());
  assert.equal((await fetch(`${api.base}/api/v1/co2`)).status, 503);
  const bad = await fetch(`${api.base}/api/v1/co2?hours=0`);
  assert.deepEqual(
    [bad.status, await bad.json()],
    [400, { error: 'hours must be an integer from 1 to 168', hours: '0' }],
  );
  const by = await fetch(`${api.base}/api/v1/co2?by=jobs`);
  assert.deepEqual(
    [by.status, await by.json()],
    [400, { error: 'by must be one of user, account, partition, job', by: 'jobs' }],
  );
  const closed = await serve(t, undefined);
  await cycle(closed, 1);
  const res = await fetch(`${closed.base}/api/v1/co2`);
  assert.deepEqual(
    [res.status, ((await res.json()) as { error: string }).error],
    [503, 'the report archive is not open yet (no Slurm snapshot)'],
  );
});

test('GET /api/v1/co2: public sums per user, CORS, a content ETag kept across cycles until a job ends', async (t) => {
  const entries = [...ENTRIES];
  const reports = fakeReports(entries);
  const api = await serve(t, reports);
  await cycle(api, 1);
  const res = await fetch(`${api.base}/api/v1/co2`, { headers: { origin: ORIGIN } });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('access-control-allow-origin'), ORIGIN);
  const body = (await res.json()) as Record<string, unknown> & { rows: Array<{ key: string }> };
  assert.deepEqual(
    [body.snapshotMs, body.stale, body.from, body.hours, body.by, body.total],
    [NOW, false, '2025-05-31T12:00:00.000Z', 24, 'user', TOTAL_24H],
  );
  assert.deepEqual(
    body.rows.map((r) => r.key),
    ['alice', 'bob', 'carol'],
  );
  assert.equal(JSON.stringify(body).includes('"jobid"'), false, 'no job is named');
  const etag = res.headers.get('etag')!;
  assert.match(etag, /^W\/"co2%3Fhours%3D24%26by%3Duser\.[0-9a-f]{16}"$/);
  const again = (headers: Record<string, string> = {}) =>
    fetch(`${api.base}/api/v1/co2`, { headers: { 'if-none-match': etag, ...headers } });
  assert.equal((await again()).status, 304);
  const partitions = (await (await fetch(`${api.base}/api/v1/co2?hours=168&by=partition`)).json()) as {
    rows: unknown[];
  };
  assert.equal(partitions.rows.length, 3);
  await fetch(`${api.base}/api/v1/co2?hours=2&by=account`);
  assert.deepEqual(reports.reads, [NOW - 168 * H], 'three windows, one read of the index');
  await cycle(api, 2);
  assert.equal((await again()).status, 304, 'a new cycle, the same jobs: nothing to download');
  assert.equal(reports.reads.length, 2);
  entries.push(entry('9', 3 * H, 42, { user: 'dave' }));
  await cycle(api, 3);
  const changed = await again();
  assert.equal(changed.status, 200, 'a job ended: a new tag');
  assert.notEqual(changed.headers.get('etag'), etag);
});

test('GET /api/v1/co2?by=job: 401 for anonymous, never CORS; a user sees their jobs, the admin all', async (t) => {
  const api = await serve(t, fakeReports());
  await cycle(api, 1);
  const url = `${api.base}/api/v1/co2?by=job&hours=168`;
  const anon = await fetch(url, { headers: { origin: ORIGIN } });
  assert.equal(anon.status, 401);
  assert.equal(anon.headers.get('www-authenticate'), 'Bearer realm="slurmscope"');
  assert.equal(anon.headers.get('access-control-allow-origin'), null);
  assert.equal((await fetch(url, { headers: { authorization: 'Bearer wrong' } })).status, 401);
  const preflight = await fetch(url, {
    method: 'OPTIONS',
    headers: { origin: ORIGIN, 'access-control-request-method': 'GET' },
  });
  assert.equal(preflight.status, 405, 'no preflight for the list of jobs');
  const admin = await fetch(url, { headers: { authorization: 'Bearer admin-tok', origin: ORIGIN } });
  assert.equal(admin.status, 200);
  assert.deepEqual(
    [admin.headers.get('access-control-allow-origin'), admin.headers.get('cache-control')],
    [null, 'private, no-cache'],
  );
  assert.match(admin.headers.get('vary') ?? '', /authorization/);
  const all = (await admin.json()) as { rows: Co2Row[]; rowsOmitted: number; by: string };
  assert.deepEqual([all.rows.map((r) => r.jobid), all.rowsOmitted, all.by], [['1', '3', '2', '4', '5', '8'], 0, 'job']);
  const bob = (await (await fetch(url, { headers: { 'x-remote-user': 'bob' } })).json()) as {
    rows: Co2Row[];
    total: unknown;
  };
  assert.deepEqual(
    bob.rows.map((r) => [r.jobid, r.user, r.end_time]),
    [
      ['2', 'bob', '2025-05-31T13:00:00.000Z'],
      ['5', 'bob', '2025-05-31T11:59:59.999Z'],
    ],
  );
  assert.deepEqual(bob.total, { energy_joules: 20_500.5, co2_grams: 2050.05, jobs: 2, unmeasured: 0 });
});

test('GET /api/v1/co2: gzip when accepted; a service without co2Rows lists no jobs', async (t) => {
  const api = await serve(t, fakeReports());
  await cycle(api, 1);
  const raw = await new Promise<Buffer>((resolve, reject) => {
    const headers = { 'accept-encoding': 'gzip', authorization: 'Bearer admin-tok' };
    get(`${api.base}/api/v1/co2?hours=168&by=job`, { headers }, (res) => {
      assert.equal(res.headers['content-encoding'], 'gzip');
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c)).on('end', () => resolve(Buffer.concat(chunks)));
    }).on('error', reject);
  });
  assert.equal((JSON.parse(gunzipSync(raw).toString()) as { rows: unknown[] }).rows.length, 6);
  const bare = await serve(t, fakeReports(null));
  await cycle(bare, 1);
  const body = (await (await fetch(`${bare.base}/api/v1/co2`)).json()) as { rows: unknown[]; total: { jobs: number } };
  assert.deepEqual([body.rows, body.total.jobs], [[], 0]);
});
