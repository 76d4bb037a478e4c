import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { chmod } from 'node:fs/promises';
import { request, type IncomingHttpHeaders } from 'node:http';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { RecordingLogger } from '@slurmscope/model';
import { loadPortalAssets, type PortalAssets } from './portal-assets.js';
import { FIXTURE_PORTAL_JS, fixtureBuild } from './portal-testkit.js';
import { IMMUTABLE } from './routes-portal.js';
import { startTestApi } from './testkit.js';
import type { WebPolicy } from './web-headers.js';

const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'";

interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** One request sent as written (no URL normalisation by the client), raw bytes back. */
function call(base: string, path: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(base, { path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

async function serve(
  t: TestContext,
  o: {
    omit?: readonly string[];
    cluster?: string | null;
    web?: WebPolicy;
    prepare?: (dir: string) => Promise<void>;
  } = {},
): Promise<{ base: string; assets: PortalAssets }> {
  const dir = await fixtureBuild(t, o.omit);
  await o.prepare?.(dir);
  const assets = await loadPortalAssets({ dir, log: new RecordingLogger() });
  const cluster = o.cluster === undefined ? 'linux' : o.cluster;
  const portal = { assets, intervalMs: 30_000, co2WindowMs: 24 * 3_600_000, cluster: () => cluster };
  const api = await startTestApi(t, { portal, ...(o.web === undefined ? {} : { web: o.web }) });
  return { base: api.base, assets };
}

/** The page's config: the JSON in its config element. */
function configOf(html: string): Record<string, unknown> {
  const m = /<script type="application\/json" id="slurmscope-portal-config">(.*?)<\/script>/s.exec(html);
  assert.ok(m, 'the config element is there');
  return JSON.parse(m[1]!) as Record<string, unknown>;
}

const IDS = ['slurmscope-availability-panel', 'slurmscope-webjobs-panel', 'slurmscope-co2-panel'];

test('GET /portal/: the shell with its config (URLs relative to the page), the bundle by hash, no-cache and one exact CSP', async (t) => {
  const { base, assets } = await serve(t);
  const res = await call(base, '/portal/');
  assert.equal(res.status, 200);
  assert.equal(res.headers['content-type'], 'text/html; charset=utf-8');
  assert.equal(res.headers['cache-control'], 'no-cache');
  assert.equal(res.headers['content-security-policy'], `${CSP}; frame-ancestors 'self'`);
  assert.equal(res.headers['x-frame-options'], 'SAMEORIGIN');
  const html = res.body.toString();
  const hash = (u: string): string => assets.files.get(u)!.hash;
  const js = `assets/portal.js?v=${hash('/portal/assets/portal.js')}`;
  assert.ok(html.includes('<div id="root"></div>'));
  assert.ok(html.includes(`<script src="${js}"></script>`));
  assert.ok(html.includes('<link rel="icon" href="data:,">'), 'an empty favicon: no /favicon.ico 404');
  assert.doesNotMatch(html, /<script>/, 'no inline script');
  const plugin = (id: string): string => `plugins/${id}/module.js?v=${hash(`/portal/plugins/${id}/module.js`)}`;
  assert.deepEqual(configOf(html), {
    base: '.',
    api: '../api/v1',
    intervalMs: 30_000,
    cluster: 'linux',
    embed: null,
    theme: 'dark',
    co2WindowHours: 24,
    assets: { portal: js, plugins: Object.fromEntries(IDS.map((id) => [id, plugin(id)])) },
  });
});

/** The config's URLs resolved as the browser does (new URL(x, document.baseURI)), as paths. */
function resolved(config: Record<string, unknown>, page: string): string[] {
  const assets = config.assets as { portal: string; plugins: Record<string, string> };
  const urls = [config.base, config.api, assets.portal, ...IDS.map((id) => assets.plugins[id])] as string[];
  return urls.map((u) => new URL(u, page).pathname);
}

test('the config URLs and the script resolve under /portal and /api/v1 from both pages, behind a proxy prefix too', async (t) => {
  const { base, assets } = await serve(t);
  const v = (u: string): string => assets.files.get(u)!.hash;
  const html = (await call(base, '/portal/embed/co2')).body.toString();
  const embed = configOf(html);
  assert.deepEqual([embed.base, embed.api], ['..', '../../api/v1']);
  assert.ok(html.includes(`<script src="../assets/portal.js?v=${v('/portal/assets/portal.js')}"></script>`));
  assert.equal(
    (embed.assets as { plugins: Record<string, string> }).plugins['slurmscope-co2-panel'],
    `../plugins/slurmscope-co2-panel/module.js?v=${v('/portal/plugins/slurmscope-co2-panel/module.js')}`,
  );
  const full = configOf((await call(base, '/portal/')).body.toString());
  const want = (prefix: string): string[] => [
    `${prefix}/portal/`,
    `${prefix}/api/v1`,
    `${prefix}/portal/assets/portal.js`,
    ...IDS.map((id) => `${prefix}/portal/plugins/${id}/module.js`),
  ];
  for (const prefix of ['', '/slurm/cluster-a']) {
    assert.deepEqual(resolved(full, `https://h.example${prefix}/portal/`), want(prefix), prefix);
    assert.deepEqual(resolved(embed, `https://h.example${prefix}/portal/embed/co2?theme=light`), want(prefix), prefix);
  }
  // Each resolved asset is served (the ?v= query dropped by pathname).
  for (const path of resolved(embed, `${base}/portal/embed/co2`).slice(2))
    assert.equal((await call(base, path)).status, 200, path);
  const slash = await call(base, '/portal/embed/co2/?theme=light');
  assert.deepEqual([slash.status, slash.headers.location], [301, '../co2']);
});

test('GET /portal redirects to /portal/ (relative, so a proxy prefix is kept)', async (t) => {
  const { base } = await serve(t);
  const res = await call(base, '/portal');
  assert.deepEqual([res.status, res.headers.location], [301, 'portal/']);
});

test('the CSP carries portal.frameAncestors in the same single header', async (t) => {
  const { base } = await serve(t, { web: { corsOrigins: [], frameAncestors: ['https://wiki.example.org'] } });
  const res = await call(base, '/portal/embed/co2');
  assert.equal(res.headers['content-security-policy'], `${CSP}; frame-ancestors 'self' https://wiki.example.org`);
  assert.equal(res.headers['x-frame-options'], undefined);
});

test('a cluster name with </script> and quotes cannot leave the config element', async (t) => {
  const evil = `</script><script>alert(1)</script>"'&<!--\u2028`;
  const { base } = await serve(t, { cluster: evil });
  const html = (await call(base, '/portal/')).body.toString();
  assert.equal(html.match(/<script/g)?.length, 2, 'the config element and the bundle only');
  assert.equal(configOf(html).cluster, evil);
  assert.ok(html.includes('<title>slurmscope portal — &#60;/script&#62;&#60;script&#62;alert(1)'));
  const unnamed = await serve(t, { cluster: null });
  assert.equal(configOf((await call(unnamed.base, '/portal/')).body.toString()).cluster, null);
});

test('GET /portal/embed/<panel>?theme=: the panel and theme in the config; anything else is 404 or 400', async (t) => {
  const { base } = await serve(t);
  const embed = configOf((await call(base, '/portal/embed/webjobs?theme=light')).body.toString());
  assert.deepEqual([embed.embed, embed.theme], ['webjobs', 'light']);
  assert.equal(configOf((await call(base, '/portal/embed/availability')).body.toString()).theme, 'dark');
  const bad = await call(base, '/portal/embed/co2?theme=blue');
  assert.equal(bad.status, 400);
  assert.deepEqual(JSON.parse(bad.body.toString()), { error: 'theme must be one of dark, light', theme: 'blue' });
  const none = await call(base, '/portal/embed/jobs');
  assert.equal(none.status, 404);
  assert.match(JSON.parse(none.body.toString()).error, /^no panel "jobs"; the panels are availability, webjobs, co2$/);
  assert.equal((await call(base, '/portal/embed/constructor')).status, 404);
});

test('a required file refused (group-writable): the pages answer 503 naming it and why', async (t) => {
  let dir = '';
  const prepare = async (d: string): Promise<void> => {
    dir = d;
    await chmod(join(d, 'webjobs/dist/module.js'), 0o666);
  };
  const { base } = await serve(t, { prepare });
  const res = await call(base, '/portal/embed/availability');
  assert.equal(res.status, 503);
  assert.equal(
    res.body.toString(),
    `the portal's files in ${dir} are refused: ${join(dir, 'webjobs/dist/module.js')} (writable by its group or others (mode 666): only root or ctld may change it)\n`,
  );
  assert.equal((await call(base, '/portal/plugins/slurmscope-webjobs-panel/module.js')).status, 404);
});

test('a missing build: the pages answer 503 naming the folder and what to run; the JSON API is unaffected', async (t) => {
  const { base, assets } = await serve(t, { omit: ['portal/dist/portal.js'] });
  for (const path of ['/portal/', '/portal/embed/co2']) {
    const res = await call(base, path);
    assert.equal(res.status, 503, path);
    assert.equal(res.body.toString(), `${assets.missing}\n`);
    assert.match(res.body.toString(), /not built in .*run npm run build/);
  }
  assert.equal((await call(base, '/api/v1/availability')).status, 503, 'no snapshot yet, as before');
  assert.equal((await call(base, '/portal/plugins/slurmscope-co2-panel/module.js')).status, 200);
});

test('assets: gzip when accepted, an ETag and 304, a year of caching only with the matching ?v=', async (t) => {
  const { base, assets } = await serve(t);
  const { hash } = assets.files.get('/portal/assets/portal.js')!;
  const plain = await call(base, `/portal/assets/portal.js?v=${hash}`);
  assert.equal(plain.status, 200);
  assert.equal(plain.body.toString(), FIXTURE_PORTAL_JS);
  assert.equal(plain.headers['content-encoding'], undefined);
  assert.deepEqual(
    [
      plain.headers['content-type'],
      plain.headers.etag,
      plain.headers['cache-control'],
      plain.headers['x-content-type-options'],
    ],
    ['text/javascript; charset=utf-8', `W/"${hash}"`, IMMUTABLE, 'nosniff'],
  );
  assert.equal(plain.headers.vary, 'accept-encoding');
  const gz = await call(base, `/portal/assets/portal.js?v=${hash}`, { 'accept-encoding': 'gzip, br' });
  assert.equal(gz.headers['content-encoding'], 'gzip');
  assert.ok(gz.body.length < plain.body.length);
  assert.equal(gunzipSync(gz.body).toString(), FIXTURE_PORTAL_JS);
  for (const v of ['', '?v=0123456789abcdef', '?v=']) {
    const res = await call(base, `/portal/assets/portal.js${v}`);
    assert.deepEqual([res.status, res.headers['cache-control']], [200, 'no-cache'], v);
  }
  const again = await call(base, '/portal/assets/portal.js', { 'if-none-match': `W/"${hash}"` });
  assert.deepEqual([again.status, again.body.length, again.headers.etag], [304, 0, `W/"${hash}"`]);
  const other = await call(base, '/portal/assets/portal.js', { 'if-none-match': 'W/"0123456789abcdef"' });
  assert.equal(other.status, 200);
});

test("assets: a panel's files under its id, with their types; unknown ids, files and traversal are 404", async (t) => {
  const { base } = await serve(t);
  const p = '/portal/plugins/slurmscope-co2-panel';
  const svg = await call(base, `${p}/img/logo.svg`);
  assert.deepEqual([svg.status, svg.headers['content-type']], [200, 'image/svg+xml']);
  const json = await call(base, `${p}/plugin.json`);
  assert.equal(JSON.parse(json.body.toString()).id, 'slurmscope-co2-panel');
  const head = await new Promise<number>((resolve, reject) => {
    request(`${base}${p}/module.js`, { method: 'HEAD' }, (res) => resolve(res.statusCode ?? 0))
      .on('error', reject)
      .end();
  });
  assert.equal(head, 200);
  for (const path of [
    '/portal/plugins/slurmscope-foo-panel/module.js',
    `${p}/missing.js`,
    `${p}/../../../etc/passwd`,
    '/portal/plugins/x/../../etc/passwd',
    `${p}/%2e%2e/%2e%2e/%2e%2e/etc/passwd`,
    `${p}/..%2f..%2f..%2fetc%2fpasswd`,
    `${p}/img%2f..%2f..%2f..%2fportal%2fdist%2fportal.js`,
    '/portal/assets/../../portal/dist/portal.js',
    '/portal/assets/%E0%A4%A',
    '/portal/assets/',
  ]) {
    const res = await call(base, path);
    assert.equal(res.status, 404, path);
    assert.doesNotMatch(res.body.toString(), /root:|window\.slurmscope/, path);
  }
});

test('portal disabled (no portal options): /portal/ is 404 and the index page does not link it', async (t) => {
  const api = await startTestApi(t);
  assert.equal((await call(api.base, '/portal/')).status, 404);
  assert.doesNotMatch((await call(api.base, '/')).body.toString(), /href="\/portal\/"/);
  const { base } = await serve(t);
  assert.match((await call(base, '/')).body.toString(), /<a href="\/portal\/">\/portal\/<\/a>/);
});
