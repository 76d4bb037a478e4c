// The browser tests' and the bench's host page for the BUILT panels: it loads the portal bundle
// (grafana-plugins/portal/dist/portal.js: React, @grafana/* and SystemJS, shared through an import
// map as Grafana shares them), which imports each panel's dist/module.js through SystemJS; the
// panels are mounted with synthetic frames through `window.slurmscope.mount` (the contract's API).
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { GRAFANA_PLUGINS_DIR, REPO_ROOT, startStaticServer, type StaticServer } from './browser.js';

/** The three panels: folder name → plugin id (the contract's). */
export const PANEL_IDS = {
  availability: 'slurmscope-availability-panel',
  webjobs: 'slurmscope-webjobs-panel',
  co2: 'slurmscope-co2-panel',
} as const;

/** A panel's folder name under grafana-plugins/. */
export type PanelName = keyof typeof PANEL_IDS;

/** A theme of the panels. */
export type Theme = 'light' | 'dark';

/** A frame as plain data: the page turns it into a DataFrame with @grafana/data's createDataFrame. */
export interface FrameSpec {
  readonly name?: string;
  readonly fields: ReadonlyArray<{
    readonly name: string;
    readonly type: 'string' | 'number' | 'time';
    readonly values: ReadonlyArray<string | number | null>;
  }>;
}

/** The host page's path on the static server. */
export const PANEL_HOST_PATH = '/test/panels.html';

/** The host page: the portal bundle without a portal config (so it only exposes `window.slurmscope`). */
export const PANEL_HOST_HTML = [
  '<!doctype html>',
  '<html><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>slurmscope panels</title></head>',
  '<body style="margin:0"><div id="stage"></div>',
  '<script src="/portal/dist/portal.js"></script></body></html>',
].join('\n');

/** The built files the host page needs; throws naming the first missing one (build hint included). */
export function assertPanelsBuilt(panels: readonly PanelName[] = Object.keys(PANEL_IDS) as PanelName[]): void {
  const files = ['portal/dist/portal.js', ...panels.map((p) => `${p}/dist/module.js`)];
  for (const f of files) {
    if (!existsSync(join(GRAFANA_PLUGINS_DIR, f)))
      throw new Error(
        `grafana-plugins/${f} is not built (cd grafana-plugins && npx webpack --config webpack.config.js --env production)`,
      );
  }
}

/**
 * Serves grafana-plugins/ (the built dist/ folders) with the host page at PANEL_HOST_PATH, and
 * /public/build/ from @grafana/ui's dist/public/ (its icons, as Grafana serves them).
 */
export function startPanelHost(): Promise<StaticServer> {
  return startStaticServer({
    root: GRAFANA_PLUGINS_DIR,
    pages: { [PANEL_HOST_PATH]: PANEL_HOST_HTML },
    mounts: { '/public/build/': join(REPO_ROOT, 'node_modules/@grafana/ui/dist/public') },
  });
}

/** What `window.slurmscope.mount` takes besides the element, and where to put it on the page. */
export interface MountSpec {
  /** The container's id (created in #stage, `width` × `height`, the theme's background). */
  readonly id: string;
  readonly panel: PanelName;
  readonly frames: readonly FrameSpec[];
  readonly options?: Readonly<Record<string, unknown>>;
  readonly theme: Theme;
  readonly width: number;
  readonly height: number;
}

/** What the page's globals look like to the functions run inside it (the test build has no DOM lib). */
interface PageGlobals {
  slurmscope?: {
    ready: Promise<void>;
    mount(el: unknown, spec: Record<string, unknown>): Promise<MountTiming>;
  };
  System?: { import(id: string): Promise<Record<string, unknown>> };
  document: {
    getElementById(id: string): PageElement | null;
    createElement(tag: string): PageElement;
  };
}
interface PageElement {
  id: string;
  style: Record<string, string>;
  appendChild(child: PageElement): void;
  remove(): void;
}

/**
 * What a mount took, as the portal bundle measures it (portal/src/host/mount.tsx): renderMs = React
 * render + commit + style and layout (a forced layout), without paint; frameMs adds the wait for
 * the next animation frame. Loading the module happens before the clock starts.
 */
export interface MountTiming {
  readonly renderMs: number;
  readonly frameMs: number;
}

/** Opens the host page and waits until the bundle's `window.slurmscope.ready` resolved. */
export async function openPanelHost(page: Page, server: StaticServer, timeoutMs = 30_000): Promise<void> {
  await page.goto(`${server.url}${PANEL_HOST_PATH}`);
  await page.waitForFunction(() => (globalThis as unknown as PageGlobals).slurmscope !== undefined, null, {
    timeout: timeoutMs,
  });
  await page.evaluate(() => (globalThis as unknown as PageGlobals).slurmscope!.ready);
}

/**
 * Mounts a built panel (its dist/module.js, loaded through SystemJS by the portal bundle) in a new
 * container (replacing one of the same id); resolves with its timing. Frames become DataFrames with the page's own
 * @grafana/data (the shared instance from SystemJS), as a Grafana query result would be.
 */
export async function mountPanel(page: Page, spec: MountSpec): Promise<MountTiming> {
  const arg = { ...spec, pluginId: PANEL_IDS[spec.panel], url: `/${spec.panel}/dist/module.js` };
  return page.evaluate(async (s) => {
    const g = globalThis as unknown as PageGlobals;
    const imported = await g.System!.import('@grafana/data');
    const data = (imported.default ?? imported) as {
      createDataFrame(dto: unknown): unknown;
      createTheme(o: unknown): { colors: { background: { primary: string } } };
    };
    g.document.getElementById(s.id)?.remove();
    const el = g.document.createElement('div');
    el.id = s.id;
    Object.assign(el.style, {
      width: `${s.width}px`,
      height: `${s.height}px`,
      overflow: 'hidden',
      position: 'relative',
      background: data.createTheme({ colors: { mode: s.theme } }).colors.background.primary,
    });
    g.document.getElementById('stage')!.appendChild(el);
    const { renderMs, frameMs } = await g.slurmscope!.mount(el, {
      pluginId: s.pluginId,
      url: s.url,
      frames: s.frames.map((f) => data.createDataFrame(f)),
      options: s.options ?? {},
      theme: s.theme,
      width: s.width,
      height: s.height,
    });
    return { renderMs, frameMs };
  }, arg);
}

/** What shows that a panel has its content on a page (data or its message), by panel. */
export const PANEL_CONTENT: Readonly<Record<PanelName, string>> = {
  availability:
    '[data-testid=availability-panel] :is([data-testid=availability-partition],[data-testid=panel-message])',
  webjobs: '[data-testid=webjobs-panel] :is([data-testid=webjobs-row],[data-testid=panel-message])',
  co2: '[data-testid=co2-panel] :is([data-testid=co2-total],[data-testid=panel-message])',
};

/**
 * An init script (page.addInitScript: it runs before the page's own scripts, outside its CSP) that
 * records in `window.__panelShownMs` when each panel's content (PANEL_CONTENT) first appears, as
 * performance.now() since navigation start: {availability, webjobs, co2, first}.
 */
export const PANEL_SHOWN_SCRIPT = `(() => {
  const seen = (window.__panelShownMs = {});
  const sel = ${JSON.stringify(PANEL_CONTENT)};
  const check = () => {
    for (const [k, s] of Object.entries(sel))
      if (seen[k] === undefined && document.querySelector(s)) {
        seen[k] = performance.now();
        if (seen.first === undefined) seen.first = seen[k];
      }
  };
  new MutationObserver(check).observe(document, { childList: true, subtree: true });
})();`;

/**
 * Where a screenshot goes: with SLURMSCOPE_SCREENSHOTS=1 the committed file `committed` (relative
 * to the repository), else `name` in a temporary folder (created once per `tmpRoot`).
 */
export function screenshotPath(committed: string, name: string, tmpRoot: { dir?: string }): string {
  if (process.env.SLURMSCOPE_SCREENSHOTS === '1') {
    const file = join(REPO_ROOT, committed);
    mkdirSync(join(file, '..'), { recursive: true });
    return file;
  }
  tmpRoot.dir ??= mkdtempSync(join(tmpdir(), 'slurmscope-screenshots-'));
  return join(tmpRoot.dir, name);
}
