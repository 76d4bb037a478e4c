import { PanelPlugin } from '@grafana/data';

/** Imports a module by URL (SystemJS's `System.import` in the page; anything in tests). */
export type Importer = (url: string) => Promise<unknown>;

/**
 * The `plugin` export of a panel's dist/module.js, imported through `importer`; rejects with a
 * message naming the URL when the module fails to load or exports no PanelPlugin.
 */
export async function loadPanel(url: string, importer: Importer): Promise<PanelPlugin> {
  let mod: unknown;
  try {
    mod = await importer(url);
  } catch (err) {
    throw new Error(`cannot load the panel ${url}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const plugin = typeof mod === 'object' && mod !== null ? (mod as { plugin?: unknown }).plugin : undefined;
  if (!(plugin instanceof PanelPlugin)) {
    // A PanelPlugin of another @grafana/data copy (a module that bundled it instead of importing it) fails here too.
    const what =
      plugin === undefined
        ? 'no `plugin` export'
        : 'a `plugin` that is not a PanelPlugin of the shared @grafana/data (is @grafana/data external in its build?)';
    throw new Error(`${url} has ${what}: a panel's module.js exports \`plugin = new PanelPlugin(...)\``);
  }
  if (plugin.panel === null) {
    throw new Error(`${url}: its PanelPlugin has no panel component`);
  }
  return plugin;
}

/** Loads each panel URL once per host; a failed load is retried on the next call. */
export function panelCache(importer: Importer): (url: string) => Promise<PanelPlugin> {
  const cache = new Map<string, Promise<PanelPlugin>>();
  return (url) => {
    const hit = cache.get(url);
    if (hit !== undefined) {
      return hit;
    }
    const p = loadPanel(url, importer);
    cache.set(url, p);
    p.catch(() => cache.delete(url)); // not swallowed: the caller gets the same rejection
    return p;
  };
}
