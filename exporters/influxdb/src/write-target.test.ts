import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeTarget } from './write-target.js';

test('writeTarget: v2 and v1 paths, headers and names', () => {
  const cases: Array<{
    name: string;
    o: Parameters<typeof writeTarget>[0];
    path: string;
    auth?: string;
    what: string;
  }> = [
    {
      name: 'v2 (default) with org',
      o: { org: 'o', bucket: 'b' },
      path: '/api/v2/write?org=o&bucket=b&precision=ms',
      what: 'bucket "b"',
    },
    {
      name: 'v2 without org',
      o: { api: 'v2', bucket: 'db/rp' },
      path: '/api/v2/write?bucket=db%2Frp&precision=ms',
      what: 'bucket "db/rp"',
    },
    {
      name: 'v1 database only',
      o: { api: 'v1', database: 'metrics' },
      path: '/write?db=metrics&precision=ms',
      what: 'database "metrics"',
    },
    {
      name: 'v1 with rp and basic auth (escaped)',
      o: { api: 'v1', database: 'my db', retentionPolicy: 'a&b', username: 'writer', password: 'p:w d' },
      path: '/write?db=my+db&rp=a%26b&precision=ms',
      auth: `Basic ${Buffer.from('writer:p:w d').toString('base64')}`,
      what: 'database "my db"',
    },
  ];
  for (const c of cases) {
    const t = writeTarget(c.o);
    assert.equal(t.path, c.path, c.name);
    assert.equal(t.headers.authorization, c.auth, c.name);
    assert.equal(t.headers['content-type'], 'text/plain; charset=utf-8', c.name);
    assert.equal(t.what, c.what, c.name);
  }
  assert.throws(() => writeTarget({ api: 'v1' }), /api v1 needs a database/);
});
