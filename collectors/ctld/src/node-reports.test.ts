import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NodeReport } from '@slurmscope/common';
import { NodeReportStore } from './node-reports.js';

const T = 1_800_000_000_000;
const report = (node: string, timestampMs: number, intervalMs = 10_000): NodeReport => ({
  version: 1,
  node,
  timestampMs,
  intervalMs,
  cpus: 4,
  power: {},
  jobs: [],
});

test('NodeReportStore: keeps the latest report per node; a late older one does not replace it', () => {
  const s = new NodeReportStore();
  s.ingest(report('n1', T), T);
  s.ingest(report('n1', T + 10_000), T + 10_000);
  s.ingest(report('n1', T + 5_000), T + 10_500); // a retried, older report
  s.ingest(report('n2', T + 1_000), T + 1_000);
  const latest = s.latest(T + 11_000);
  assert.deepEqual(latest.map((r) => [r.node, r.timestampMs]).sort(), [
    ['n1', T + 10_000],
    ['n2', T + 1_000],
  ]);
});

test('NodeReportStore: a node silent for more than 3 of its intervals (ctld clock) is dropped', () => {
  const s = new NodeReportStore();
  s.ingest(report('fast', T - 3_600_000, 1_000), T); // agent clock an hour behind: received time counts
  s.ingest(report('slow', T, 60_000), T);
  assert.equal(s.latest(T + 3_000).length, 2, 'exactly 3 intervals: kept');
  assert.deepEqual(
    s.latest(T + 3_001).map((r) => r.node),
    ['slow'],
  );
  assert.equal(s.size, 1, 'pruned, not only hidden');
  assert.deepEqual(s.latest(T + 180_001), []);
});

test('NodeReportStore.families: results by kind and live nodes', () => {
  const s = new NodeReportStore();
  s.ingest(report('n1', T, 1_000), T);
  s.ingest(report('n2', T, 1_000), T - 10_000);
  s.count('accepted');
  s.count('accepted');
  s.count('unauthorized');
  const [results, live] = s.families(T + 100);
  assert.deepEqual(
    results?.samples.map((x) => `${x.labels.result}=${x.value}`),
    ['accepted=2', 'unauthorized=1', 'invalid=0', 'too_large=0'],
  );
  assert.deepEqual(live?.samples, [{ labels: {}, value: 1 }]);
});
