import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { RecordingLogger } from '@slurmscope/model';
import { ASSET_LIMITS, defaultAssetsDir, loadPortalAssets, REQUIRED_ASSETS } from './portal-assets.js';
import { FIXTURE_PORTAL_JS, fixtureBuild } from './portal-testkit.js';

const warnings = (log: RecordingLogger): string[] => log.records.filter((r) => r.level === 'warn').map((r) => r.msg);

test('a complete build: every dist file under its URL, hashed, gzip kept when smaller, nothing logged', async (t) => {
  const dir = await fixtureBuild(t);
  const log = new RecordingLogger();
  const assets = await loadPortalAssets({ dir, log });
  assert.equal(assets.missing, undefined);
  assert.deepEqual(warnings(log), []);
  for (const url of REQUIRED_ASSETS) assert.ok(assets.files.has(url), url);
  assert.deepEqual(
    [...assets.files.keys()].filter((u) => u.startsWith('/portal/plugins/slurmscope-co2-panel/')).sort(),
    ['README.md', 'img/logo.svg', 'img/screenshot-dark.png', 'module.js', 'module.js.map', 'plugin.json'].map(
      (f) => `/portal/plugins/slurmscope-co2-panel/${f}`,
    ),
  );
  assert.equal(assets.files.size, 1 + 3 * 6);
  const js = assets.files.get('/portal/assets/portal.js')!;
  assert.equal(js.body.toString(), FIXTURE_PORTAL_JS);
  assert.equal(js.hash, createHash('sha256').update(FIXTURE_PORTAL_JS).digest('hex').slice(0, 16));
  assert.equal(js.contentType, 'text/javascript; charset=utf-8');
  assert.ok(js.gzip !== undefined && js.gzip.length < js.body.length);
  assert.equal(gunzipSync(js.gzip).toString(), FIXTURE_PORTAL_JS);
  const png = assets.files.get('/portal/plugins/slurmscope-co2-panel/img/screenshot-dark.png')!;
  assert.deepEqual([png.contentType, png.gzip], ['image/png', undefined]);
  const types = (f: string): string => assets.files.get(`/portal/plugins/slurmscope-webjobs-panel/${f}`)!.contentType;
  assert.deepEqual(['plugin.json', 'module.js.map', 'img/logo.svg', 'README.md'].map(types), [
    'application/json; charset=utf-8',
    'application/json; charset=utf-8',
    'image/svg+xml',
    'text/markdown; charset=utf-8',
  ]);
  assert.equal(
    assets.bytes,
    [...assets.files.values()].reduce((n, a) => n + a.body.length, 0),
  );
});

test('a missing build: logged once, naming the folder, the missing files and "run npm run build"', async (t) => {
  const dir = await fixtureBuild(t, ['portal/dist/portal.js', 'co2/dist/module.js']);
  const log = new RecordingLogger();
  const assets = await loadPortalAssets({ dir, log });
  assert.equal(
    assets.missing,
    `the portal is not built in ${dir} (missing /portal/assets/portal.js, /portal/plugins/slurmscope-co2-panel/module.js): run npm run build in grafana-plugins`,
  );
  assert.deepEqual(warnings(log), [assets.missing]);
  assert.ok(assets.files.has('/portal/plugins/slurmscope-webjobs-panel/module.js'), 'what is there is still served');
});

test('a folder that does not exist is a missing build, not an error', async () => {
  const log = new RecordingLogger();
  const assets = await loadPortalAssets({ dir: '/nonexistent/grafana-plugins', log });
  assert.equal(assets.files.size, 0);
  assert.match(
    assets.missing ?? '',
    /^the portal is not built in \/nonexistent\/grafana-plugins \(missing .*\): run npm run build/,
  );
  assert.equal(warnings(log).length, 1);
});

test('bounds: a file over the size limit, files beyond the total, and links are left out and counted', async (t) => {
  const dir = await fixtureBuild(t);
  await writeFile(join(dir, 'co2/dist/img/huge.png'), Buffer.alloc(4096));
  await mkdir(join(dir, 'webjobs/dist/img'), { recursive: true });
  await symlink('/etc/passwd', join(dir, 'webjobs/dist/img/passwd'));
  const log = new RecordingLogger();
  const assets = await loadPortalAssets({ dir, log, limits: { ...ASSET_LIMITS, maxFileBytes: 4095 } });
  assert.equal(assets.files.has('/portal/plugins/slurmscope-co2-panel/img/huge.png'), false);
  assert.equal(assets.files.has('/portal/plugins/slurmscope-webjobs-panel/img/passwd'), false);
  assert.equal(assets.refused, 2);
  const why = log.records
    .filter((r) => r.msg === 'portal asset left out')
    .map((r) => (r.fields as { why: string }).why);
  assert.deepEqual(why.sort(), [
    'larger than 4095 bytes (4096)',
    'not a plain file or folder (links are not followed)',
  ]);

  const small = await loadPortalAssets({
    dir,
    log: new RecordingLogger(),
    limits: { ...ASSET_LIMITS, maxTotalBytes: 3000 },
  });
  assert.ok(small.bytes <= 3000, `${small.bytes} bytes held`);
  assert.ok(small.refused > 0);
  const few = await loadPortalAssets({ dir, log: new RecordingLogger(), limits: { ...ASSET_LIMITS, maxFiles: 2 } });
  assert.equal(few.files.size, 2);
  assert.ok(few.missing !== undefined, 'beyond the bound the build is incomplete, and said so');
});

test('the default folder is the repository grafana-plugins (beside collectors/)', () => {
  const dir = defaultAssetsDir();
  assert.match(dir, /\/grafana-plugins\/$/);
  assert.ok(existsSync(join(dir, 'webpack.config.js')), `${dir} is the grafana-plugins workspace`);
});
