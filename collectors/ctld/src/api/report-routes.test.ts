// GET /api/v1/reports/:id at the route boundary: an id that is no job id is a 400 before any
// file is touched (a 5,000-digit id was ENAMETOOLONG → 500), and a report that cannot be read
// (a gzip bomb refused by the archive) is a JSON 500 naming why, never a crash, and only to its
// owner or an admin: anyone else gets the 404 of a report that does not exist.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RecordingLogger } from '@slurmscope/model';
import { Authenticator } from '../auth/authenticator.js';
import type { NodeReportStore } from '../node-reports.js';
import type { ApiContext } from './context.js';
import type { ReportOwner, ReportServicePort } from './report-port.js';
import { Router } from './router.js';
import { privateRoutes } from './routes-private.js';

/** Report 11 is alice's; 77 is bob's, and reading it fails as the archive fails on a gzip bomb. */
class Reports implements ReportServicePort {
  readonly asked: string[] = [];
  observe = (): Promise<void> => Promise.resolve();
  families = (): [] => [];
  close = (): Promise<void> => Promise.resolve();
  list = (): Promise<ReportOwner[]> => Promise.resolve([]);
  hasScript = (): boolean => false;
  owner = (id: string): string | undefined => ({ '11': 'alice', '77': 'bob' })[id];
  get(id: string): Promise<ReportOwner | undefined> {
    this.asked.push(id);
    if (id === '77') return Promise.reject(new Error('/r/c/77.json.gz: report larger than 16 bytes once inflated'));
    return Promise.resolve(id === '11' ? { jobid: '11', user: 'alice' } : undefined);
  }
}

/** GET of one report as the admin, or as `user` named by the trusted proxy (127.0.0.1). */
type Get = (id: string, user?: string) => Promise<[number, unknown]>;

async function serve(t: TestContext): Promise<{ get: Get; reports: Reports }> {
  const reports = new Reports();
  const ctx = {
    reports: () => reports,
    auth: new Authenticator({
      adminToken: 'admin-tok',
      trustedProxy: { addresses: ['127.0.0.1'], header: 'x-remote-user' },
    }),
    nodeReports: {} as NodeReportStore, // only the node-report route uses it
    log: new RecordingLogger(),
  } as Partial<ApiContext> as ApiContext;
  const handle = new Router(privateRoutes(ctx), { log: ctx.log }).handler();
  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => server.close());
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/reports/`;
  return {
    reports,
    get: async (id, user) => {
      const headers: Record<string, string> =
        user === undefined ? { authorization: 'Bearer admin-tok' } : { 'x-remote-user': user };
      const res = await fetch(base + id, { headers });
      return [res.status, await res.json()];
    },
  };
}

test('GET /api/v1/reports/:id: an id that is no job id is a 400 naming the form; the archive is not asked', async (t) => {
  const { get, reports } = await serve(t);
  for (const id of ['9'.repeat(5000), '%2E%2E%2Fx', '12abc', '4294967296', '1_2_3']) {
    const [status, body] = await get(id);
    assert.equal(status, 400, id.slice(0, 20));
    assert.match((body as { error: string }).error, /^not a job id: ".*"; expected 1234, 1234_5 or 1234\+1$/);
  }
  const [, long] = await get('9'.repeat(5000));
  assert.ok(JSON.stringify(long).length < 200, 'the answer does not echo 5,000 digits');
  assert.deepEqual(reports.asked, []);
  assert.deepEqual(await get('11'), [200, { jobid: '11', user: 'alice' }]);
  assert.deepEqual(await get('12_3'), [404, { error: 'no report 12_3', jobid: '12_3' }]);
});

test('GET /api/v1/reports/:id: a report the archive refuses to inflate is a JSON 500 naming why', async (t) => {
  const { get } = await serve(t);
  assert.deepEqual(await get('77'), [
    500,
    {
      error: 'cannot read the report of job 77: /r/c/77.json.gz: report larger than 16 bytes once inflated',
      jobid: '77',
    },
  ]);
});

test("GET /api/v1/reports/:id: another user's unreadable report is a plain 404, its file never opened", async (t) => {
  const { get, reports } = await serve(t);
  assert.deepEqual(await get('77', 'alice'), [404, { error: 'no report 77', jobid: '77' }]);
  assert.deepEqual(await get('11', 'bob'), [404, { error: 'no report 11', jobid: '11' }]);
  assert.deepEqual(reports.asked, [], 'ownership comes from the index');
  const [status, body] = await get('77', 'bob');
  assert.deepEqual(
    [status, (body as { error: string }).error],
    [500, 'cannot read the report of job 77: /r/c/77.json.gz: report larger than 16 bytes once inflated'],
  );
  assert.deepEqual(await get('11', 'alice'), [200, { jobid: '11', user: 'alice' }]);
});
