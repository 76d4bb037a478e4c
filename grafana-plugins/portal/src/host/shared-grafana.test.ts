import fs from 'fs';
import path from 'path';
import * as realData from '@grafana/data';
import * as realUi from '@grafana/ui';
import { sharedGrafanaData, sharedGrafanaUi } from './shared-grafana';

const ROOT = path.resolve(__dirname, '../../..');
const FOLDERS = ['availability', 'webjobs', 'co2', 'common'];
const IMPORT = /import\s+(type\s+)?\{([^}]*)\}\s+from\s+'(@grafana\/(?:data|ui))'/g;

/** Every non-test source file of the panels (what their dist/module.js is built from). */
function panelSources(): string[] {
  return FOLDERS.flatMap((f) => {
    const dir = path.join(ROOT, f, 'src');
    return (fs.readdirSync(dir, { recursive: true }) as string[])
      .filter((n) => /\.tsx?$/.test(n) && !/\.test\.tsx?$/.test(n))
      .map((n) => path.join(dir, n));
  });
}

/** The names imported by value from a module across the sources: `type X` and `import type` left out. */
function valueImports(module: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const file of panelSources()) {
    for (const m of fs.readFileSync(file, 'utf8').matchAll(IMPORT)) {
      if (m[1] !== undefined || m[3] !== module) {
        continue;
      }
      for (const part of (m[2] ?? '').split(',')) {
        const name =
          part
            .trim()
            .split(/\s+as\s+/)[0]
            ?.trim() ?? '';
        if (name !== '' && !name.startsWith('type ')) {
          out.set(name, path.relative(ROOT, file));
        }
      }
    }
  }
  return out;
}

describe('the portal shares what the panels use', () => {
  it('finds the panels and their imports (the scan itself works)', () => {
    expect(panelSources().length).toBeGreaterThan(10);
    expect(valueImports('@grafana/ui').has('useStyles2')).toBe(true);
    expect(valueImports('@grafana/data').has('PanelPlugin')).toBe(true);
  });

  it.each([
    ['@grafana/data', realData as Record<string, unknown>, sharedGrafanaData as Record<string, unknown>],
    ['@grafana/ui', realUi as Record<string, unknown>, sharedGrafanaUi as Record<string, unknown>],
  ])('every run-time export of %s a panel imports is shared, as the very same object', (module, real, shared) => {
    const missing: string[] = [];
    for (const [name, file] of valueImports(module)) {
      // Interfaces and type aliases have no run-time export: nothing to share.
      if (!(name in real)) {
        continue;
      }
      if (shared[name] !== real[name]) {
        missing.push(`${name} (${file})`);
      }
    }
    expect(missing).toEqual([]);
  });
});
