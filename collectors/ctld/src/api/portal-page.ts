// The portal's HTML shell: an empty root, the page's config as JSON data (never as script), and
// the portal bundle. The bundle reads the config, loads the panels' dist/module.js through SystemJS
// and feeds them frames made from the JSON API. Every URL of the config is relative to the page
// (resolved against document.baseURI), so that a reverse proxy's prefix (https://host/slurm/portal/)
// is kept.
import { PORTAL_PANELS, type PortalAssets, type PortalPanel } from './portal-assets.js';

/** The page's theme (`?theme=`). */
export type PortalTheme = 'light' | 'dark';

/** What the portal bundle reads from `<script type="application/json" id="slurmscope-portal-config">`. */
export interface PortalConfig {
  /** The portal's root (/portal/) relative to the page: `.` on /portal/, `..` on /portal/embed/<panel>. */
  readonly base: '.' | '..';
  /** ctld's JSON API (/api/v1) relative to the page: `../api/v1`, or `../../api/v1` when embedded. */
  readonly api: string;
  /** ctld's poll interval: the page asks again (with If-None-Match) once per interval. */
  readonly intervalMs: number;
  /** The cluster's name; null before Slurm named it. */
  readonly cluster: string | null;
  /** The one panel of /portal/embed/<panel>; null on /portal/. */
  readonly embed: PortalPanel | null;
  readonly theme: PortalTheme;
  /** The CO2 panel's window without `?hours=` (portal.co2Window), hours. */
  readonly co2WindowHours: number;
  /** The bundle and each panel's module.js relative to the page, with `?v=<content hash>` (cached for a year). */
  readonly assets: { readonly portal: string; readonly plugins: Readonly<Record<string, string>> };
}

/** `path?v=<hash>` of a loaded asset; undefined when it was not loaded. */
export function versionedUrl(assets: PortalAssets, path: string): string | undefined {
  const a = assets.files.get(path);
  return a === undefined ? undefined : `${path}?v=${a.hash}`;
}

/** The config's URLs of a page at /portal/ (`embed` null) or /portal/embed/<panel>, relative to it. Pure. */
export function pageUrls(embed: PortalPanel | null): Pick<PortalConfig, 'base' | 'api'> & { readonly portal: string } {
  return embed === null
    ? { base: '.', api: '../api/v1', portal: '' }
    : { base: '..', api: '../../api/v1', portal: '../' };
}

/**
 * The asset URLs of the config: the bundle and every panel present (all are when nothing is
 * missing), relative to the page: `toPortal` is the way from the page to /portal/ ('' or '../').
 */
export function assetUrls(assets: PortalAssets, toPortal = ''): PortalConfig['assets'] {
  const rel = (path: string): string => `${toPortal}${path.slice('/portal/'.length)}`;
  const plugins: Record<string, string> = {};
  for (const { id } of Object.values(PORTAL_PANELS)) {
    const url = versionedUrl(assets, `/portal/plugins/${id}/module.js`);
    if (url !== undefined) plugins[id] = rel(url);
  }
  return { portal: rel(versionedUrl(assets, '/portal/assets/portal.js') ?? '/portal/assets/portal.js'), plugins };
}

/**
 * JSON that stays data inside an HTML `<script>` element: `<`, `>` and `&` as \u escapes (so a
 * `</script>` or `<!--` in a cluster name cannot end the element), and the line separators
 * U+2028/U+2029 too. Still JSON: JSON.parse gives back the same value. Pure.
 */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The shell of /portal/ and /portal/embed/<panel>: no inline script (the CSP allows none). Pure. */
export function portalHtml(config: PortalConfig): string {
  const what = config.embed === null ? 'portal' : config.embed;
  const title = `slurmscope ${what}${config.cluster === null ? '' : ` — ${config.cluster}`}`;
  const bg = config.theme === 'dark' ? '#111217' : '#ffffff';
  return `<!doctype html>
<html lang="en" data-theme="${config.theme}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>${esc(title)}</title>
<style>html,body{margin:0;background:${bg}}#root{min-height:100vh}</style>
</head>
<body>
<div id="root"></div>
<noscript>The slurmscope portal needs JavaScript; the same figures are at /api/v1/availability, /api/v1/webjobs and /api/v1/co2.</noscript>
<script type="application/json" id="slurmscope-portal-config">${scriptJson(config)}</script>
<script src="${esc(config.assets.portal)}"></script>
</body>
</html>
`;
}
