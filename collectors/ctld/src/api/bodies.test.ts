import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import { arrayTail, entityTag, objectTail, prepareBody, preparedAnswer, MIN_GZIP_BYTES } from './bodies.js';
import type { ApiResponse } from './router.js';
import type { Freshness } from './view.js';

const FRESH: Freshness = { snapshotMs: 1_800_000_000_000, snapshotAgeSeconds: 1.25, stale: false };
const FAILED: Freshness = { snapshotMs: 1_800_000_000_000, snapshotAgeSeconds: 40, stale: true, error: 'sinfo: "x"' };

const ITEMS = Array.from({ length: 1234 }, (_, i) => ({
  jobid: String(i),
  user: `u${i % 7}`,
  nodes: [{ node: `n${i}`, reported: i % 2 === 0, gpus: [] }],
  ...(i % 3 === 0 ? { loadImbalance: i / 1234 } : {}),
  note: i === 5 ? 'quote " backslash \\ newline \n ünïcode ✓' : undefined,
}));

const ARRAY_CASES: ReadonlyArray<{ name: string; items: readonly unknown[]; every: number }> = [
  { name: 'empty', items: [], every: 500 },
  { name: 'one item', items: [{ a: 1 }], every: 500 },
  { name: 'fewer items than a slice', items: ITEMS.slice(0, 10), every: 500 },
  { name: 'exactly one slice', items: ITEMS.slice(0, 500), every: 500 },
  { name: 'several slices, a partial last one', items: ITEMS, every: 500 },
  { name: 'slices of one', items: ITEMS.slice(0, 9), every: 1 },
];

for (const c of ARRAY_CASES) {
  test(`arrayTail: ${c.name}: head + tail is JSON.stringify of the whole answer`, () => {
    const tail = arrayTail('jobs', c.items, c.every);
    const want = `${JSON.stringify({ ...FAILED, jobs: c.items })}\n`;
    assert.equal(`${JSON.stringify(FAILED).slice(0, -1)}${tail.toString()}`, want);
  });
}

test('objectTail: fields after the freshness ones, newline-terminated; an empty object closes the brace', () => {
  assert.equal(objectTail({ a: 1, b: [true] }).toString(), ',"a":1,"b":[true]}\n');
  assert.equal(objectTail({}).toString(), '}\n');
});

/** The bytes a client reads from an answer (gunzip'd when gzip'd). */
function decoded(a: ApiResponse): string {
  assert.ok('body' in a, 'a prebuilt body answer');
  const raw = Buffer.concat(a.body);
  return (a.headers?.['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString();
}

for (const fresh of [FRESH, FAILED]) {
  for (const gzip of [false, true]) {
    test(`preparedAnswer: ${fresh.stale ? 'stale with error' : 'fresh'}, gzip ${gzip}: equals a fresh serialization`, async () => {
      const body = await prepareBody(arrayTail('jobs', ITEMS));
      const a = preparedAnswer(fresh, body, { gzip, etag: 'W/"1"' });
      assert.equal(decoded(a), `${JSON.stringify({ ...fresh, jobs: ITEMS })}\n`);
      assert.equal(a.headers?.['content-encoding'], gzip ? 'gzip' : undefined);
      assert.equal(a.headers?.vary, 'accept-encoding');
      assert.ok('etag' in a && a.etag === 'W/"1"');
    });
  }
}

test('preparedAnswer: a small body is not compressed even when gzip is accepted', async () => {
  const body = await prepareBody(objectTail({ jobs: [] }));
  assert.ok(body.tail.length < MIN_GZIP_BYTES);
  assert.equal(body.deflated, undefined);
  const a = preparedAnswer(FRESH, body, { gzip: true, etag: 'W/"1"' });
  assert.equal(a.headers?.['content-encoding'], undefined);
  assert.deepEqual(JSON.parse(decoded(a)), { ...FRESH, jobs: [] });
});

const TAG_CASES: ReadonlyArray<{ name: string; what: string; stale: boolean; want: string }> = [
  { name: 'availability', what: 'availability', stale: false, want: 'W/"1800000000000.7.availability"' },
  { name: 'stale', what: 'webjobs', stale: true, want: 'W/"1800000000000.7.webjobs.stale"' },
  {
    name: 'user with quote, comma and non-ASCII stays one valid tag',
    what: 'webjobs?user=a"b,ü',
    stale: false,
    want: 'W/"1800000000000.7.webjobs%3Fuser%3Da%22b%2C%C3%BC"',
  },
];

for (const c of TAG_CASES) {
  test(`entityTag: ${c.name}`, () => {
    assert.equal(entityTag({ snapshotMs: 1_800_000_000_000, cycle: 7, what: c.what, stale: c.stale }), c.want);
  });
}
