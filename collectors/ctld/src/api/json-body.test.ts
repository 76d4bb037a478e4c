import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HttpError } from './http.js';
import { JsonShape } from './json-body.js';

const BOUNDS = { maxDepth: 3, maxValues: 10 };

/** Feeds `text` in chunks of `size` bytes; the error's status and message, or "ok". */
function scan(text: string, size = 3): string {
  const shape = new JsonShape(BOUNDS);
  const bytes = Buffer.from(text);
  try {
    for (let i = 0; i < bytes.length; i += size) shape.feed(bytes.subarray(i, i + size));
    return 'ok';
  } catch (err) {
    assert.ok(err instanceof HttpError);
    return `${err.status} ${err.message}`;
  }
}

const CASES: ReadonlyArray<{ name: string; text: string; want: string }> = [
  { name: 'flat object', text: '{"a":1,"b":[1,2],"c":{"d":"x"}}', want: 'ok' },
  { name: 'depth 3', text: '[[[1]]]', want: 'ok' },
  { name: 'depth 4', text: '[[[[1]]]]', want: '400 JSON nested deeper than 3 levels' },
  { name: 'brackets inside a string do not nest', text: '{"s":"[[[[{{{{"}', want: 'ok' },
  { name: 'an escaped quote does not end the string', text: '{"s":"\\"[[[[[\\\\"}', want: 'ok' },
  {
    name: 'escaped backslash then the real end of string',
    text: '["\\\\",[[[1]]]]',
    want: '400 JSON nested deeper than 3 levels',
  },
  { name: 'commas inside strings are not values', text: '["a,b,c,d,e,f,g,h,i,j,k,l,m"]', want: 'ok' },
  { name: 'nine values and the array', text: '[1,2,3,4,5,6,7,8,9]', want: 'ok' },
  { name: 'eleven values and the array', text: '[1,2,3,4,5,6,7,8,9,10,11]', want: '413 JSON with more than 10 values' },
  { name: 'siblings after closing count as values, not depth', text: '[[1],[2],[3]]', want: 'ok' },
];

for (const c of CASES) {
  test(`JsonShape: ${c.name}`, () => {
    assert.equal(scan(c.text), c.want);
    assert.equal(scan(c.text, 1), c.want, 'byte by byte');
    assert.equal(scan(c.text, 1000), c.want, 'in one chunk');
  });
}

test('JsonShape: 8 MB of nesting is refused within the first bytes', () => {
  const shape = new JsonShape({ maxDepth: 8, maxValues: 200_000 });
  const t0 = performance.now();
  assert.throws(() => shape.feed(Buffer.from('['.repeat(8_000_000))), /nested deeper than 8/);
  assert.ok(performance.now() - t0 < 100);
});
