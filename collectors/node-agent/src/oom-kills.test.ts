import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JobReading } from './collectors/index.js';
import { OomKillCounter } from './oom-kills.js';

const reading = (jobid: string, oomKills?: number): JobReading => ({
  jobid,
  cpuSeconds: 1,
  cpus: [0],
  memory: { usedBytes: 1, rssBytes: 1, ...(oomKills === undefined ? {} : { oomKills }) },
});

const cases: Array<{ name: string; live: Array<number | undefined>; want: Array<number | undefined> }> = [
  { name: 'a rising count passes through', live: [0, 1, 3], want: [0, 1, 3] },
  { name: 'a step with 2 kills ends (3 -> 1): kept at 3, then rises from there', live: [3, 1, 2], want: [3, 3, 4] },
  { name: 'every step with kills ends (2 -> 0)', live: [2, 0, 0], want: [2, 2, 2] },
  { name: 'a kernel that does not count stays absent', live: [undefined, undefined], want: [undefined, undefined] },
];
for (const c of cases) {
  test(c.name, () => {
    const counter = new OomKillCounter();
    const got = c.live.map((n) => counter.apply([reading('7', n)], new Set(['7']))[0]?.memory?.oomKills);
    assert.deepEqual(got, c.want);
  });
}

test('a job gone from the node is forgotten: the same id later starts afresh', () => {
  const counter = new OomKillCounter();
  counter.apply([reading('7', 2)], new Set(['7']));
  counter.apply([reading('7', 0)], new Set(['7']));
  counter.apply([], new Set());
  assert.equal(counter.apply([reading('7', 0)], new Set(['7']))[0]?.memory?.oomKills, 0);
});

test('a job present but unread this cycle keeps its base', () => {
  const counter = new OomKillCounter();
  counter.apply([reading('7', 2)], new Set(['7']));
  counter.apply([reading('7', 0)], new Set(['7']));
  counter.apply([], new Set(['7']));
  assert.equal(counter.apply([reading('7', 0)], new Set(['7']))[0]?.memory?.oomKills, 2);
});
