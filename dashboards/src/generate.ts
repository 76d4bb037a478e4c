import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderAll, staleFiles } from './render.js';

/** Where the committed dashboards live: `dashboards/generated/{prometheus,influxdb}/`. */
export const GENERATED_DIR = fileURLToPath(new URL('../generated/', import.meta.url));

/** Writes every dashboard, or with `check` only lists the stale ones; returns the exit code. */
export async function generate(opts: { dir: string; check: boolean; log: (line: string) => void }): Promise<number> {
  const rendered = renderAll();
  const stale = await staleFiles(opts.dir, rendered);
  if (opts.check) {
    for (const rel of stale) opts.log(`stale: ${path.join(opts.dir, rel)} (run node dashboards/dist/generate.js)`);
    return stale.length > 0 ? 1 : 0;
  }
  for (const rel of stale) {
    const file = path.join(opts.dir, rel);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, rendered.get(rel) ?? '');
    opts.log(`wrote ${file}`);
  }
  opts.log(`${rendered.size} dashboards, ${stale.length} written`);
  return 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const args = process.argv.slice(2);
  const unknown = args.filter((a) => a !== '--check');
  if (unknown.length > 0) {
    console.error(`usage: node dashboards/dist/generate.js [--check] (unknown: ${unknown.join(' ')})`);
    process.exit(2);
  }
  process.exitCode = await generate({
    dir: GENERATED_DIR,
    check: args.includes('--check'),
    log: (l) => console.log(l),
  });
}
