// The built panels as Grafana receives them (unit phase, after `npm run build`): each
// `grafana-plugins/dist/<id>-<version>.zip` holds `<id>/` with the very files of `<panel>/dist`,
// and every built plugin passes the offline subset of Grafana's plugin validator
// (grafana-plugins/scripts/plugin-checks.mjs), which itself names what is wrong.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import yauzl from 'yauzl';

const ROOT = fileURLToPath(new URL('../../grafana-plugins/', import.meta.url));

interface Checks {
  PANELS: Record<string, string>;
  checkPluginDist(dist: string, expect: { id: string; version: string }): string[];
  listFiles(dir: string): string[];
}

const checks = (await import(join(ROOT, 'scripts', 'plugin-checks.mjs'))) as Checks;
const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

/** Every file entry of a zip: name → bytes (yauzl, entries read one after the other). */
function unzip(file: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (err, zip) => {
      if (err) return reject(err);
      zip.on('error', reject);
      zip.on('end', () => resolve(out));
      zip.on('entry', (entry: yauzl.Entry) => {
        if (entry.fileName.endsWith('/')) return zip.readEntry();
        zip.openReadStream(entry, (e, stream) => {
          if (e) return reject(e);
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('error', reject);
          stream.on('end', () => {
            out.set(entry.fileName, Buffer.concat(chunks));
            zip.readEntry();
          });
        });
      });
      zip.readEntry();
    });
  });
}

test('the three panels keep their fixed ids', () => {
  assert.deepEqual(checks.PANELS, {
    availability: 'slurmscope-availability-panel',
    webjobs: 'slurmscope-webjobs-panel',
    co2: 'slurmscope-co2-panel',
  });
});

for (const [dir, id] of Object.entries(checks.PANELS)) {
  test(`${id}: the build passes Grafana's plugin rules, and its zip holds ${id}/ with exactly the built files`, async () => {
    const dist = join(ROOT, dir, 'dist');
    assert.deepEqual(checks.checkPluginDist(dist, { id, version }), []);
    const entries = await unzip(join(ROOT, 'dist', `${id}-${version}.zip`));
    const files = checks.listFiles(dist);
    assert.deepEqual([...entries.keys()].sort(), files.map((f) => `${id}/${f}`).sort());
    for (const f of files) assert.ok(entries.get(`${id}/${f}`)!.equals(readFileSync(join(dist, f))), `${id}/${f}`);
    const meta = JSON.parse(entries.get(`${id}/plugin.json`)!.toString()) as { id: string; info: { version: string } };
    assert.deepEqual([meta.id, meta.info.version], [id, version]);
    assert.match(
      entries.get(`${id}/module.js`)!.toString(),
      /define\(\["@emotion\/css","@grafana\/data","@grafana\/ui","react"\]/,
    );
  });
}

test('plugin checks name what is wrong: a missing screenshot, a wrong id, a bundled React, a stale placeholder', (t) => {
  const copy = mkdtempSync(join(tmpdir(), 'plugin-checks-'));
  t.after(() => rmSync(copy, { recursive: true, force: true }));
  cpSync(join(ROOT, 'webjobs', 'dist'), copy, { recursive: true });
  const expect = { id: 'slurmscope-webjobs-panel', version };
  assert.deepEqual(checks.checkPluginDist(copy, expect), [], 'the copy passes as built');
  rmSync(join(copy, 'img', 'screenshot-dark.png'));
  const meta = JSON.parse(readFileSync(join(copy, 'plugin.json'), 'utf8')) as Record<string, unknown>;
  writeFileSync(join(copy, 'plugin.json'), JSON.stringify({ ...meta, id: 'Slurmscope-Webjobs' }));
  const js = readFileSync(join(copy, 'module.js'), 'utf8');
  writeFileSync(join(copy, 'module.js'), js.replaceAll('"react"', '"my-own-react"'));
  writeFileSync(join(copy, 'README.md'), `${readFileSync(join(copy, 'README.md'), 'utf8')}\nVersion %VERSION%\n`);
  const problems = checks.checkPluginDist(copy, expect).join('\n');
  assert.match(problems, /screenshot "img\/screenshot-dark\.png" is not an image in the build/);
  assert.match(problems, /id must be "slurmscope-webjobs-panel", is "Slurmscope-Webjobs"/);
  assert.match(problems, /does not take "react" from Grafana/);
  assert.match(problems, /README\.md: has a placeholder or TODO left/);
});
