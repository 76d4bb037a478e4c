import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RaisedFinding } from '../inspector/types.js';
import { buildCycleView } from './cycle-view.js';
import { emptyPollResult, startTestApi } from './testkit.js';
import type { CycleView } from './view.js';

const finding = (jobid: string, user: string, kind: RaisedFinding['kind']): RaisedFinding => ({
  jobid,
  displayId: jobid,
  cluster: 'c',
  user,
  account: 'physics',
  partition: 'batch',
  kind,
  raisedAtMs: Date.now() - 60_000,
  elapsedSeconds: 1200,
  value: 0.9,
  threshold: 0.5,
  message: 'CPU load differed by 90 %',
  nodes: [{ node: 'n1', text: 'CPU 3 %', value: 0.03 }],
  cost: { idleCpuHours: 1.5 },
});

const viewOf = (cycle: number, findings?: RaisedFinding[]): Promise<CycleView> => {
  const taken = Date.now() - 1000;
  return buildCycleView({
    cycle,
    nowMs: taken,
    poll: { result: emptyPollResult(taken), stale: false },
    webjobs: [],
    ...(findings === undefined ? {} : { findings }),
  });
};

test('GET /api/v1/findings: 503 before a snapshot; then every active finding, public like webjobs; ?user= filters', async (t) => {
  const h = await startTestApi(t);
  assert.equal((await fetch(`${h.base}/api/v1/findings`)).status, 503);
  h.setView(await viewOf(1));
  let body = (await (await fetch(`${h.base}/api/v1/findings`)).json()) as { findings: unknown[]; stale: boolean };
  assert.deepEqual([body.findings, body.stale], [[], false], 'no inspector: none');

  const all = [
    finding('7', 'alice', 'uneven_load'),
    finding('8', 'bob', 'idle_gpus'),
    finding('7', 'alice', 'oom_killed'),
  ];
  h.setView(await viewOf(2, all));
  const res = await fetch(`${h.base}/api/v1/findings`);
  assert.equal(res.status, 200, 'no credentials needed');
  const etag = res.headers.get('etag');
  body = (await res.json()) as { findings: RaisedFinding[]; stale: boolean };
  assert.deepEqual(body.findings, JSON.parse(JSON.stringify(all)));
  assert.ok('snapshotAgeSeconds' in body, 'with the freshness of the snapshot');

  const alice = (await (await fetch(`${h.base}/api/v1/findings?user=alice`)).json()) as { findings: RaisedFinding[] };
  assert.deepEqual(
    alice.findings.map((f) => `${f.jobid}:${f.kind}`),
    ['7:uneven_load', '7:oom_killed'],
  );
  const nobody = (await (await fetch(`${h.base}/api/v1/findings?user=nobody`)).json()) as { findings: unknown[] };
  assert.deepEqual(nobody.findings, []);
  const again = await fetch(`${h.base}/api/v1/findings`, { headers: { 'if-none-match': etag ?? '' } });
  assert.equal(again.status, 304, 'same cycle: not modified');
  const bobRes = await fetch(`${h.base}/api/v1/findings?user=bob`, { headers: { 'if-none-match': etag ?? '' } });
  assert.equal(bobRes.status, 200, "another user's answer has its own ETag");
  const index = await (await fetch(`${h.base}/`)).text();
  assert.match(index, /<a href="\/api\/v1\/findings">/, 'listed on the index page');
});
