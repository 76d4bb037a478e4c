import assert from 'node:assert/strict';
import { request } from 'node:http';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { resolveStatic, startStaticServer } from './browser.js';

test('resolveStatic: files below the root or a mount, nothing outside them', () => {
  const opts = { root: '/srv/root', mounts: { '/public/build/': '/opt/ui/public' } };
  const cases: Array<[string, string | undefined]> = [
    ['/portal/dist/portal.js', '/srv/root/portal/dist/portal.js'],
    ['/public/build/img/icons/a.svg', '/opt/ui/public/img/icons/a.svg'],
    ['/../etc/passwd', undefined],
    ['/a/../b.js', '/srv/root/b.js'],
    ['/public/build/../../secret', undefined],
    ['/', '/srv/root'],
  ];
  for (const [url, want] of cases) assert.equal(resolveStatic(opts, url), want, url);
});

test('startStaticServer: pages, files, 404 recorded, traversal refused', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'static-server-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'root', 'a'), { recursive: true });
  writeFileSync(join(dir, 'root', 'a', 'x.js'), 'var x = 1;');
  writeFileSync(join(dir, 'outside.txt'), 'secret');
  const server = await startStaticServer({ root: join(dir, 'root'), pages: { '/p.html': '<p>hi</p>' } });
  t.after(() => server.close());
  const get = async (path: string): Promise<[number, string, string]> => {
    const res = await fetch(`${server.url}${path}`);
    return [res.status, res.headers.get('content-type') ?? '', await res.text()];
  };
  assert.deepEqual(await get('/p.html'), [200, 'text/html; charset=utf-8', '<p>hi</p>']);
  assert.deepEqual(await get('/a/x.js'), [200, 'text/javascript; charset=utf-8', 'var x = 1;']);
  assert.equal((await get('/a/missing.js'))[0], 404);
  // A raw request sends the dots as they are (fetch would drop them); the server's URL parsing resolves them at the root.
  const raw = await new Promise<number>((ok, fail) =>
    request({ host: '127.0.0.1', port: new URL(server.url).port, path: '/a/../../outside.txt' }, (res) =>
      ok(res.resume().statusCode ?? 0),
    )
      .on('error', fail)
      .end(),
  );
  assert.equal(raw, 404, 'no file outside the root');
  assert.equal((await get('/a'))[0], 404, 'a directory is not served');
  assert.deepEqual(server.notFound, ['/a/missing.js', '/outside.txt', '/a']);
});
