import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { RecordingLogger } from '@slurmscope/model';
import { ASSET_LIMITS, defaultAssetsDir, loadPortalAssets, readTrusted, REQUIRED_ASSETS } from './portal-assets.js';
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

const ME = process.getuid?.() ?? 0;
const left = (log: RecordingLogger): Array<[string, string]> =>
  log.records
    .filter((r) => r.msg === 'portal asset left out')
    .map((r) => {
      const f = r.fields as { file: string; why: string };
      return [f.file, f.why];
    });

test('trust: a file or folder writable by group or others is refused, and a refused required file named', async (t) => {
  const dir = await fixtureBuild(t);
  await chmod(join(dir, 'co2/dist/module.js'), 0o664);
  await chmod(join(dir, 'co2/dist/img/logo.svg'), 0o646);
  await chmod(join(dir, 'webjobs/dist/img'), 0o775);
  await chmod(join(dir, 'availability'), 0o777);
  const log = new RecordingLogger();
  const assets = await loadPortalAssets({ dir, log });
  const served = (f: string): boolean => assets.files.has(`/portal/plugins/${f}`);
  assert.deepEqual(
    ['slurmscope-co2-panel/module.js', 'slurmscope-co2-panel/img/logo.svg', 'slurmscope-co2-panel/plugin.json'].map(
      served,
    ),
    [false, false, true],
  );
  assert.deepEqual(
    ['img/logo.svg', 'img/screenshot-dark.png', 'module.js'].map((f) => served(`slurmscope-webjobs-panel/${f}`)),
    [false, false, true],
  );
  assert.equal(served('slurmscope-availability-panel/module.js'), false);
  const why = (mode: string) => `writable by its group or others (mode ${mode}): only root or ctld may change it`;
  assert.deepEqual(left(log).sort(), [
    [join(dir, 'availability'), why('777')],
    [join(dir, 'co2/dist/img/logo.svg'), why('646')],
    [join(dir, 'co2/dist/module.js'), why('664')],
    [join(dir, 'webjobs/dist/img'), why('775')],
  ]);
  assert.equal(assets.refused, 4);
  assert.equal(
    assets.missing,
    `the portal's files in ${dir} are refused: ${join(dir, 'availability')} (${why('777')}); ` +
      `${join(dir, 'co2/dist/module.js')} (${why('664')})`,
  );
  await chmod(dir, 0o757);
  const top = await loadPortalAssets({ dir, log: new RecordingLogger() });
  assert.deepEqual(
    [top.files.size, top.missing],
    [0, `the portal's files in ${dir} are refused: ${dir} (${why('757')})`],
  );
});

test("trust: a file owned by neither root nor ctld's uid is refused", async (t) => {
  const dir = await fixtureBuild(t);
  // As root, give a file away; otherwise, ctld is "another" uid and the files are the test's.
  const ctld = ME === 0 ? 0 : 4242;
  if (ME === 0) await chown(join(dir, 'portal/dist/portal.js'), 4242, 4242);
  const assets = await loadPortalAssets({ dir, log: new RecordingLogger(), uid: ctld });
  assert.equal(assets.files.has('/portal/assets/portal.js'), false);
  const owner = ME === 0 ? 4242 : ME;
  assert.match(
    assets.missing ?? '',
    new RegExp(`portal\\.js \\(owned by uid ${owner}, neither root nor ctld's \\(uid ${ctld}\\)\\)`),
  );
  // Root's files are trusted whatever ctld's uid.
  if (ME === 0) {
    const other = await loadPortalAssets({ dir: await fixtureBuild(t), log: new RecordingLogger(), uid: 4242 });
    assert.equal(other.missing, undefined);
  }
});

test('trust: links are refused, a linked folder included; readTrusted opens none', async (t) => {
  const dir = await fixtureBuild(t);
  const real = await fixtureBuild(t);
  await rm(join(dir, 'portal/dist'), { recursive: true });
  await symlink(join(real, 'portal/dist'), join(dir, 'portal/dist'));
  await rm(join(dir, 'co2/dist/module.js'));
  await symlink(join(real, 'co2/dist/module.js'), join(dir, 'co2/dist/module.js'));
  const log = new RecordingLogger();
  const assets = await loadPortalAssets({ dir, log });
  const links = 'not a plain file or folder (links are not followed)';
  assert.deepEqual(left(log).sort(), [
    [join(dir, 'co2/dist/module.js'), links],
    [join(dir, 'portal/dist'), links],
  ]);
  assert.equal(assets.files.has('/portal/assets/portal.js'), false);
  assert.match(assets.missing ?? '', /portal\/dist \(not a plain file or folder \(links are not followed\)\)/);
  assert.deepEqual(await readTrusted(join(dir, 'co2/dist/module.js'), 1e6, ME), { why: links });
  const ok = await readTrusted(join(real, 'co2/dist/module.js'), 1e6, ME);
  assert.ok('body' in ok && ok.body.toString().startsWith('define('));
});

test('trust: a FIFO is refused without waiting for a writer', { timeout: 10_000 }, async (t) => {
  const dir = await fixtureBuild(t);
  const fifo = join(dir, 'portal/dist/pipe.js');
  execFileSync('mkfifo', ['-m', '0644', fifo]);
  const log = new RecordingLogger();
  const assets = await loadPortalAssets({ dir, log });
  assert.equal(assets.missing, undefined);
  assert.equal(assets.files.has('/portal/assets/pipe.js'), false);
  assert.deepEqual(left(log), [[fifo, 'not a plain file or folder (links are not followed)']]);
  // Opened by name (as when a file is swapped for a FIFO after the listing): no hang either.
  assert.deepEqual(await readTrusted(fifo, 1e6, ME), { why: 'not a plain file or folder (links are not followed)' });
});

test('trust: a clean tree is served whole, nothing refused', async (t) => {
  const assets = await loadPortalAssets({ dir: await fixtureBuild(t), log: new RecordingLogger() });
  assert.deepEqual([assets.refused, assets.missing, assets.files.size], [0, undefined, 1 + 3 * 6]);
});
