import { ThemeMode } from '../host/PanelHost';

/** The three panels the portal shows, by their short names (the /portal/embed/<name> paths). */
export const PANELS = ['availability', 'webjobs', 'co2'] as const;

/** One of {@link PANELS}. */
export type PanelName = (typeof PANELS)[number];

/** The plugin id of each panel (fixed: dashboards and sites refer to them). */
export const PLUGIN_IDS: Readonly<Record<PanelName, string>> = {
  availability: 'slurmscope-availability-panel',
  webjobs: 'slurmscope-webjobs-panel',
  co2: 'slurmscope-co2-panel',
};

/** The page's config: ctld writes it as JSON into `<script type="application/json" id="slurmscope-portal-config">`. */
export interface PortalConfig {
  /** Where the portal lives, resolved against the page ("https://h/portal", no trailing slash). */
  readonly base: string;
  /** ctld's API root, resolved against the page ("https://h/api/v1"); default: the base's sibling /api/v1. */
  readonly api: string;
  readonly intervalMs: number;
  readonly cluster: string;
  /** The one panel of an embed page, or null for the full portal. */
  readonly embed: PanelName | null;
  readonly theme: ThemeMode;
  readonly co2WindowHours: number;
  readonly assets: { readonly portal: string; readonly plugins: Readonly<Record<string, string>> };
}

/** The id of the config element in ctld's HTML shell. */
export const CONFIG_ELEMENT_ID = 'slurmscope-portal-config';

/** A config value that is wrong: named, so that the page can say what ctld sent. */
function bad(key: string, v: unknown): Error {
  return new Error(`portal config: "${key}" is ${JSON.stringify(v)}`);
}

/** A positive number from the config, or `fallback` when absent; wrong values are errors. */
function positive(o: Record<string, unknown>, key: string, fallback: number): number {
  const v = o[key];
  if (v === undefined || v === null) {
    return fallback;
  }
  if (typeof v !== 'number' || !(v > 0)) {
    throw bad(key, v);
  }
  return v;
}

/**
 * A URL of the config resolved against the page (`new URL(u, document.baseURI)`): ctld writes them
 * relative to the page ("..", "../api/v1") so that a reverse proxy's path prefix needs no setting;
 * absolute ones (older ctlds) stay as they are. Trailing slashes are dropped when `trim`. Pure.
 */
export function resolveUrl(u: string, baseURI: string, trim = false): string {
  let href: string;
  try {
    href = new URL(u, baseURI).href;
  } catch (err) {
    throw new Error(`portal config: URL ${JSON.stringify(u)} is not valid (${String(err)})`);
  }
  return trim ? href.replace(/\/+$/, '') : href;
}

/** The plugin URLs: ctld's (with ?v=<hash>), else <base>/plugins/<id>/module.js; resolved against the page. */
function pluginUrls(base: string, v: unknown, baseURI: string): Record<string, string> {
  const given = typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {};
  const out: Record<string, string> = {};
  for (const id of Object.values(PLUGIN_IDS)) {
    const u = given[id];
    out[id] = typeof u === 'string' && u !== '' ? resolveUrl(u, baseURI) : `${base}/plugins/${id}/module.js`;
  }
  return out;
}

/** The page's own address (document.baseURI), or a placeholder origin outside a browser. */
function pageBase(): string {
  return typeof document !== 'undefined' ? document.baseURI : 'http://localhost/';
}

/**
 * The config from the element's text; throws an Error naming the bad key (the page shows it).
 * Absent keys take defaults (base /portal, api its sibling /api/v1, 30 s, dark, 24 h). Every URL
 * is resolved against `baseURI` (the page's document.baseURI). Pure.
 */
export function parseConfig(text: string | null | undefined, baseURI: string = pageBase()): PortalConfig {
  if (text === null || text === undefined || text.trim() === '') {
    throw new Error(`portal config: no <script id="${CONFIG_ELEMENT_ID}"> in the page`);
  }
  const raw: unknown = JSON.parse(text);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new Error('portal config: not a JSON object');
  }
  const o = raw as Record<string, unknown>;
  const base = resolveUrl(typeof o.base === 'string' && o.base !== '' ? o.base : '/portal', baseURI, true);
  const api = typeof o.api === 'string' && o.api !== '' ? resolveUrl(o.api, baseURI, true) : apiRoot(base);
  const embed = o.embed ?? null;
  if (embed !== null && !(PANELS as readonly unknown[]).includes(embed)) {
    throw bad('embed', embed);
  }
  const theme = o.theme ?? 'dark';
  if (theme !== 'dark' && theme !== 'light') {
    throw bad('theme', theme);
  }
  const assets = typeof o.assets === 'object' && o.assets !== null ? (o.assets as Record<string, unknown>) : {};
  return {
    base,
    api,
    intervalMs: positive(o, 'intervalMs', 30_000),
    cluster: typeof o.cluster === 'string' ? o.cluster : '',
    embed: embed as PanelName | null,
    theme,
    co2WindowHours: positive(o, 'co2WindowHours', 24),
    assets: {
      portal: typeof assets.portal === 'string' ? resolveUrl(assets.portal, baseURI) : `${base}/assets/portal.js`,
      plugins: pluginUrls(base, assets.plugins, baseURI),
    },
  };
}

/** ctld's API root for a portal base: "/portal" → "/api/v1" (its sibling), "https://h/x/portal" → "https://h/x/api/v1". Pure. */
export function apiRoot(base: string): string {
  return `${base.replace(/\/?portal$/, '')}/api/v1`;
}

/**
 * The page's theme: an embed follows its config (ctld writes `?theme=` into it); the full portal
 * takes an explicit `?theme=` of the page's URL first, then the reader's stored choice, then the
 * config's. Values other than light/dark are ignored. Pure.
 */
export function pickTheme(o: {
  embed: boolean;
  config: ThemeMode;
  url?: string | null;
  stored?: string | null;
}): ThemeMode {
  const valid = (t: string | null | undefined): t is ThemeMode => t === 'light' || t === 'dark';
  if (o.embed) {
    return o.config;
  }
  if (valid(o.url)) {
    return o.url;
  }
  return valid(o.stored) ? o.stored : o.config;
}
