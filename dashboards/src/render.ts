import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { buildDashboard } from './build.js';
import { DASHBOARDS } from './defs/index.js';
import { FLAVOURS, type DashboardDef } from './defs/types.js';

/** JSON with every object's keys sorted, 2-space indent and a trailing newline (diff-friendly, stable). */
export function stableJson(value: unknown): string {
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort);
    if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      return Object.fromEntries(
        Object.keys(o)
          .sort()
          .filter((k) => o[k] !== undefined && typeof o[k] !== 'function')
          .map((k) => [k, sort(o[k])]),
      );
    }
    return v;
  };
  return `${JSON.stringify(sort(value), null, 2)}\n`;
}

/** Every generated file: path relative to `generated/` (`prometheus/cluster.json`) → its text. */
export function renderAll(defs: readonly DashboardDef[] = DASHBOARDS): Map<string, string> {
  const out = new Map<string, string>();
  for (const flavour of FLAVOURS) {
    for (const def of defs) out.set(`${flavour}/${def.name}.json`, stableJson(buildDashboard(def, flavour)));
  }
  return out;
}

/** The files under `dir` that differ from `rendered` or are missing, as relative paths. */
export async function staleFiles(dir: string, rendered: ReadonlyMap<string, string>): Promise<string[]> {
  const stale: string[] = [];
  for (const [rel, text] of rendered) {
    let current: string | null = null;
    try {
      current = await readFile(path.join(dir, rel), 'utf8');
    } catch (err) {
      // A missing file is stale; any other read error is a real failure.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    if (current !== text) stale.push(rel);
  }
  return stale;
}
