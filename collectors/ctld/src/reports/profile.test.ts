import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Profile } from './profile.js';

test('Profile: keeps every sample until full', () => {
  const p = new Profile(4);
  for (let i = 0; i < 4; i++) p.add({ tMs: i * 10, cpu: i / 10, memoryBytes: 100 * i });
  assert.deepEqual(
    p.points().map((x) => [x.t, x.cpu, x.memory_bytes, x.gpu, x.power_watts]),
    [
      [0, 0, 0, null, null],
      [10, 0.1, 100, null, null],
      [20, 0.2, 200, null, null],
      [30, 0.3, 300, null, null],
    ],
  );
});

test('Profile: down-samples by averaging buckets, never above maxPoints', () => {
  const p = new Profile(4);
  for (let i = 0; i < 8; i++)
    p.add({ tMs: i * 10, cpu: i, cpuMin: 0, cpuMax: 2 * i, memoryBytes: 10 * i, powerWatts: 100 });
  // 8 samples in 4 points: pairs averaged.
  assert.deepEqual(
    p.points().map((x) => [x.t, x.cpu, x.cpu_max, x.memory_bytes, x.power_watts]),
    [
      [5, 0.5, 1, 5, 100],
      [25, 2.5, 5, 25, 100],
      [45, 4.5, 9, 45, 100],
      [65, 6.5, 13, 65, 100],
    ],
  );
  for (let i = 8; i < 1000; i++) p.add({ tMs: i * 10, cpu: 1, memoryBytes: 0 });
  const pts = p.points();
  assert.ok(pts.length <= 4 && pts.length >= 2, String(pts.length));
  assert.equal(pts[0]?.t !== undefined && pts[0].t < pts[pts.length - 1]!.t, true);
});

test('Profile: a figure missing in some samples averages over the samples that had it', () => {
  const p = new Profile(2);
  p.add({ tMs: 0, memoryBytes: 0, gpu: 0.5 });
  p.add({ tMs: 1, memoryBytes: 0 });
  p.add({ tMs: 2, memoryBytes: 0 });
  const [first] = p.points();
  assert.equal(first?.gpu, 0.5);
  assert.equal(first?.cpu, null);
  assert.throws(() => new Profile(1), RangeError);
});
