import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { TestContext } from 'node:test';
import { PORTAL_PANELS } from './portal-assets.js';

/** The bundle's text in a fixture build: over 1 KiB, so that it is served gzip'd. */
export const FIXTURE_PORTAL_JS = `/* portal */\n${'window.slurmscope = window.slurmscope || {};\n'.repeat(60)}`;

/**
 * A grafana-plugins folder laid out as `npm run build` leaves it (portal/dist/portal.js, each
 * panel's dist/ with module.js, its map, plugin.json, README.md, img/), in a temporary folder
 * removed after the test, folders 0755 and files 0644 whatever the umask (trusted by
 * loadPortalAssets); `omit` leaves out files (paths relative to the folder).
 */
export async function fixtureBuild(t: TestContext, omit: readonly string[] = []): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'slurmscope-portal-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const files: Record<string, string | Buffer> = { 'portal/dist/portal.js': FIXTURE_PORTAL_JS };
  for (const { id, folder } of Object.values(PORTAL_PANELS)) {
    files[`${folder}/dist/module.js`] =
      `define(["react"], function (React) { /* ${id} */ ${'return {};'.repeat(200)} });\n`;
    files[`${folder}/dist/module.js.map`] = JSON.stringify({ version: 3, sources: ['module.tsx'], mappings: '' });
    files[`${folder}/dist/plugin.json`] = JSON.stringify({ type: 'panel', id, name: folder });
    files[`${folder}/dist/README.md`] = `# ${id}\n`;
    files[`${folder}/dist/img/logo.svg`] = '<svg xmlns="http://www.w3.org/2000/svg"/>';
    // A PNG (its signature and a few bytes): served as it is, never gzip'd again.
    files[`${folder}/dist/img/screenshot-dark.png`] = Buffer.from([0x89, 0x50, 0x4e, 0x47, 13, 10, 26, 10, 1, 2, 3]);
  }
  for (const [rel, data] of Object.entries(files)) {
    if (omit.includes(rel)) continue;
    for (let d = dirname(rel); d !== '.'; d = dirname(d)) {
      await mkdir(join(dir, d), { recursive: true });
      await chmod(join(dir, d), 0o755);
    }
    await writeFile(join(dir, rel), data);
    await chmod(join(dir, rel), 0o644);
  }
  return dir;
}
