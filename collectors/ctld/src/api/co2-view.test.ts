import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { get } from 'node:http';
import { gunzipSync } from 'node:zlib';
import type { ReportIndexEntry } from '../reports/types.js';
import { co2Answer, co2WindowMs, MAX_CO2_ROWS, newestFirst } from './co2-view.js';
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

const ENTRIES: ReportIndexEntry[] = [
  entry('1', 1 * H, 1000),
  entry('2', 23 * H, 500.5),
  entry('3', 2 * H, null), // nothing measured it
  entry('4', 24 * H, 10), // exactly at the window's start: in
  entry('5', 24 * H + 1, 20_000), // just before it: out
  entry('6', null, 7), // no end time: never in a window
  entry('7', -1000, 9), // ended after the cycle's time: next cycle's
  entry('8', 100 * H, 3, { account: null, partition: null }), // an old index line
];

test('co2Answer: the jobs of [to − window, to], newest first; totals over measured energy, nulls listed apart', () => {
  const a = co2Answer(newestFirst(ENTRIES, NOW), NOW, 24 * H);
  assert.deepEqual(
    a.rows.map((r) => r.jobid),
    ['1', '3', '2', '4'],
  );
  assert.deepEqual(
    [a.from, a.to, a.hours, a.rowsOmitted],
    ['2025-05-31T12:00:00.000Z', '2025-06-01T12:00:00.000Z', 24, 0],
  );
  assert.deepEqual(a.total, { energy_joules: 1510.5, co2_grams: 151.05, jobs: 3, unmeasured: 1 });
  assert.deepEqual(a.rows[1], {
    jobid: '3',
    displayId: '3_1',
    user: 'alice',
    account: 'physics',
    partition: 'batch',
    end_time: '2025-06-01T10:00:00.000Z',
    energy_joules: null,
    co2_grams: null,
  });
  const week = co2Answer(newestFirst(ENTRIES, NOW), NOW, 168 * H);
  assert.deepEqual(
    week.rows.map((r) => [r.jobid, r.account]),
    [
      ['1', 'physics'],
      ['3', 'physics'],
      ['2', 'physics'],
      ['4', 'physics'],
      ['5', 'physics'],
      ['8', null],
    ],
  );
  assert.deepEqual(co2Answer([], NOW, H).total, { energy_joules: 0, co2_grams: 0, jobs: 0, unmeasured: 0 });
});

test(`co2Answer: beyond ${MAX_CO2_ROWS} rows the newest are listed, every job counted in the totals`, () => {
  const many = Array.from({ length: MAX_CO2_ROWS + 5 }, (_, i) => entry(String(i + 1), i * 100, 2));
  const a = co2Answer(newestFirst(many, NOW), NOW, H);
  assert.equal(a.rows.length, MAX_CO2_ROWS);
  assert.equal(a.rowsOmitted, 5);
  assert.deepEqual([a.rows[0]!.jobid, a.rows.at(-1)!.jobid], ['1', String(MAX_CO2_ROWS)]);
  assert.deepEqual(a.total, {
    energy_joules: 20_010,
    co2_grams: 2001,
    jobs: MAX_CO2_ROWS + 5,
    unmeasured: 0,
  });
});

test('co2WindowMs: an integer 1..168, else a 400 naming the range; none gives the default', () => {
  assert.equal(co2WindowMs(null, 90 * 60_000), 90 * 60_000);
  assert.equal(co2WindowMs('1', 0), H);
  assert.equal(co2WindowMs('168', 0), 168 * H);
  for (const bad of ['0', '169', '1.5', '-1', '', ' 2', '1e2', 'abc', '9'.repeat(400)]) {
    assert.throws(
      () => co2WindowMs(bad, H),
      (e: unknown) =>
        e instanceof HttpError && e.status === 400 && e.message === 'hours must be an integer from 1 to 168',
      bad.slice(0, 10),
    );
  }
});

/** A report service whose index holds ENTRIES; counts how often the route reads it. */
function fakeReports(withRows = true): ReportServicePort & { reads: number[] } {
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
  if (!withRows) return base;
  return {
    ...base,
    co2Rows: (sinceMs: number) => {
      reads.push(sinceMs);
      return ENTRIES.filter((e) => e.end_time !== null && Date.parse(e.end_time) >= sinceMs);
    },
  };
}

async function cycle(api: TestApi, n: number): Promise<void> {
  const poll = { result: emptyPollResult(NOW), stale: false };
  api.setView(await buildCycleView({ cycle: n, nowMs: NOW, poll, webjobs: [] }));
}

async function serve(t: TestContext, reports: ReportServicePort | undefined): Promise<TestApi> {
  return startTestApi(t, {
    ctx: { reports: () => reports, now: () => NOW + 500 },
    co2WindowMs: 24 * H,
    web: { corsOrigins: ['https://portal.example.org'], frameAncestors: [] },
  });
}

test('GET /api/v1/co2: 503 before a snapshot and before the archive opens, 400 for a bad window', async (t) => {
  const reports = fakeReports();
  const api = await serve(t, reports);
  assert.equal((await fetch(`${api.base}/api/v1/co2`)).status, 503);
  const bad = await fetch(`${api.base}/api/v1/co2?hours=0`);
  assert.deepEqual(
    [bad.status, await bad.json()],
    [400, { error: 'hours must be an integer from 1 to 168', hours: '0' }],
  );
  const closed = await serve(t, undefined);
  await cycle(closed, 1);
  const res = await fetch(`${closed.base}/api/v1/co2`);
  assert.deepEqual(
    [res.status, ((await res.json()) as { error: string }).error],
    [503, 'the report archive is not open yet (no Slurm snapshot)'],
  );
});

test('GET /api/v1/co2: the window of the cycle, freshness keys, ETag → 304, CORS; the index read once per cycle', async (t) => {
  const reports = fakeReports();
  const api = await serve(t, reports);
  await cycle(api, 1);
  const res = await fetch(`${api.base}/api/v1/co2`, { headers: { origin: 'https://portal.example.org' } });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('access-control-allow-origin'), 'https://portal.example.org');
  const body = (await res.json()) as Record<string, unknown> & { rows: Array<{ jobid: string }> };
  assert.deepEqual(
    [body.snapshotMs, body.stale, body.from, body.hours, body.total],
    [NOW, false, '2025-05-31T12:00:00.000Z', 24, { energy_joules: 1510.5, co2_grams: 151.05, jobs: 3, unmeasured: 1 }],
  );
  assert.deepEqual(
    body.rows.map((r) => r.jobid),
    ['1', '3', '2', '4'],
  );
  const etag = res.headers.get('etag')!;
  assert.match(etag, /^W\/".*co2%3Fhours%3D86400000"$/);
  assert.equal((await fetch(`${api.base}/api/v1/co2`, { headers: { 'if-none-match': etag } })).status, 304);
  const week = (await (await fetch(`${api.base}/api/v1/co2?hours=168`)).json()) as { rows: unknown[]; hours: number };
  assert.deepEqual([week.rows.length, week.hours], [6, 168]);
  await fetch(`${api.base}/api/v1/co2?hours=2`);
  assert.deepEqual(reports.reads, [NOW - 168 * H], 'three windows, one read of the index');
  await cycle(api, 2);
  const next = await fetch(`${api.base}/api/v1/co2`, { headers: { 'if-none-match': etag } });
  assert.equal(next.status, 200, 'a new cycle is a new tag');
  assert.equal(reports.reads.length, 2);
});

test('GET /api/v1/co2: gzip when accepted; a service without co2Rows lists no jobs', async (t) => {
  const api = await serve(t, fakeReports());
  await cycle(api, 1);
  const raw = await new Promise<Buffer>((resolve, reject) => {
    get(`${api.base}/api/v1/co2?hours=168`, { headers: { 'accept-encoding': 'gzip' } }, (res) => {
      assert.equal(res.headers['content-encoding'], 'gzip');
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c)).on('end', () => resolve(Buffer.concat(chunks)));
    }).on('error', reject);
  });
  assert.equal((JSON.parse(gunzipSync(raw).toString()) as { rows: unknown[] }).rows.length, 6);
  const bare = await serve(t, fakeReports(false));
  await cycle(bare, 1);
  const body = (await (await fetch(`${bare.base}/api/v1/co2`)).json()) as { rows: unknown[]; total: { jobs: number } };
  assert.deepEqual([body.rows, body.total.jobs], [[], 0]);
});
