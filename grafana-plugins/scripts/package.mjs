#!/usr/bin/env node
// After the webpack build: checks each built panel by Grafana's plugin rules (plugin-checks.mjs)
// and writes one zip per panel, `grafana-plugins/dist/<id>-<version>.zip`, holding `<id>/` with
// the built files: what `grafana cli --pluginUrl <zip> plugins install <id>` and Grafana's
// catalog accept. Exits 1 naming every problem. Usage: node scripts/package.mjs [panel ...]
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import yazl from 'yazl';
import { PANELS, checkPluginDist, listFiles } from './plugin-checks.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const version = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).version;
const out = path.join(root, 'dist');

/** Writes the zip of one built panel; resolves with its path. Fixed dates: the same build gives the same bytes. */
function zip(dist, id) {
  const target = path.join(out, `${id}-${version}.zip`);
  const z = new yazl.ZipFile();
  const mtime = new Date('2000-01-01T00:00:00Z');
  for (const rel of listFiles(dist)) z.addFile(path.join(dist, rel), `${id}/${rel}`, { mtime, mode: 0o100644 });
  z.end();
  return new Promise((resolve, reject) => {
    const tmp = `${target}.tmp`;
    z.outputStream
      .pipe(fs.createWriteStream(tmp))
      .on('close', () => {
        fs.renameSync(tmp, target);
        resolve(target);
      })
      .on('error', reject);
  });
}

const wanted = process.argv.slice(2);
const panels = Object.entries(PANELS).filter(([dir]) => wanted.length === 0 || wanted.includes(dir));
fs.mkdirSync(out, { recursive: true });
let failed = false;
for (const [dir, id] of panels) {
  const dist = path.join(root, dir, 'dist');
  const problems = checkPluginDist(dist, { id, version });
  if (problems.length > 0) {
    failed = true;
    for (const p of problems) console.error(`${id}: ${p}`);
    continue;
  }
  const file = await zip(dist, id);
  console.log(`${id}: ${path.relative(root, file)} (${(fs.statSync(file).size / 1024).toFixed(0)} KiB)`);
}
process.exit(failed ? 1 : 0);
