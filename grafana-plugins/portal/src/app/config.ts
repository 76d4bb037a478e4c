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
  /** Where the portal lives ("/portal"); the API is at its sibling /api/v1. */
  readonly base: string;
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

/** The plugin URLs: ctld's (with ?v=<hash>), else <base>/plugins/<id>/module.js. */
function pluginUrls(base: string, v: unknown): Record<string, string> {
  const given = typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {};
  const out: Record<string, string> = {};
  for (const id of Object.values(PLUGIN_IDS)) {
    const u = given[id];
    out[id] = typeof u === 'string' && u !== '' ? u : `${base}/plugins/${id}/module.js`;
  }
  return out;
}

/**
 * The config from the element's text; throws an Error naming the bad key (the page shows it).
 * Absent keys take defaults (base /portal, 30 s, dark, 24 h). Pure.
 */
export function parseConfig(text: string | null | undefined): PortalConfig {
  if (text === null || text === undefined || text.trim() === '') {
    throw new Error(`portal config: no <script id="${CONFIG_ELEMENT_ID}"> in the page`);
  }
  const raw: unknown = JSON.parse(text);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new Error('portal config: not a JSON object');
  }
  const o = raw as Record<string, unknown>;
  const base = typeof o.base === 'string' ? o.base.replace(/\/+$/, '') : '/portal';
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
    intervalMs: positive(o, 'intervalMs', 30_000),
    cluster: typeof o.cluster === 'string' ? o.cluster : '',
    embed: embed as PanelName | null,
    theme,
    co2WindowHours: positive(o, 'co2WindowHours', 24),
    assets: {
      portal: typeof assets.portal === 'string' ? assets.portal : `${base}/assets/portal.js`,
      plugins: pluginUrls(base, assets.plugins),
    },
  };
}

/** ctld's API root for a portal base: "/portal" → "/api/v1" (its sibling), "/x/portal" → "/x/api/v1". Pure. */
export function apiRoot(base: string): string {
  return `${base.replace(/\/?portal$/, '')}/api/v1`;
}
