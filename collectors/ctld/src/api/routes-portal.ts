import { acceptsGzip } from './gzip.js';
import { HttpError } from './http.js';
import { PORTAL_PANELS, type PortalAssets, type PortalPanel } from './portal-assets.js';
import { assetUrls, pageUrls, portalHtml, type PortalTheme } from './portal-page.js';
import type { ApiRequest, ApiResponse, Route } from './router.js';
import { PORTAL_CSP } from './web-headers.js';

/** What the portal routes serve besides the API: the assets read at start, the page's settings. */
export interface PortalOptions {
  readonly assets: PortalAssets;
  /** ctld's poll interval, ms: the page refreshes once per interval. */
  readonly intervalMs: number;
  /** The CO2 panel's window (portal.co2Window), ms. */
  readonly co2WindowMs: number;
  /** The cluster's name, or null before Slurm named it. */
  cluster(): string | null;
}

/** How long a browser keeps an asset asked for with its current `?v=` hash: a year (never changes). */
export const IMMUTABLE = 'public, max-age=31536000, immutable';

const THEMES: readonly PortalTheme[] = ['dark', 'light'];

/**
 * The portal: GET /portal (301 to /portal/), /portal/ and /portal/embed/<panel>[?theme=light|dark]
 * (the HTML shell, `no-cache`, with the portal's CSP), and the assets read at start:
 * /portal/assets/<file> (portal/dist/) and /portal/plugins/<plugin id>/<file> (the panel's dist/),
 * gzip'd when accepted, with an ETag, cached for a year when `?v=` is the file's hash.
 */
export function portalRoutes(o: PortalOptions): Route[] {
  const asset = (r: ApiRequest, path: string): ApiResponse => assetAnswer(o.assets, r, path);
  return [
    {
      method: 'GET',
      pattern: '/portal',
      // Relative, so that a reverse proxy's prefix (https://host/slurm/portal) is kept.
      handler: (r) =>
        r.path.endsWith('/')
          ? page(o, r, null)
          : { status: 301, text: '', contentType: 'text/plain', headers: { location: 'portal/' } },
    },
    {
      method: 'GET',
      pattern: '/portal/embed/:panel',
      handler: (r) => {
        const panel = r.params.panel ?? '';
        if (!Object.hasOwn(PORTAL_PANELS, panel))
          throw new HttpError(
            404,
            `no panel "${panel.slice(0, 40)}"; the panels are ${Object.keys(PORTAL_PANELS).join(', ')}`,
          );
        // The page's URLs are relative to it: /portal/embed/co2/ would resolve them a level too deep.
        if (r.path.endsWith('/'))
          return { status: 301, text: '', contentType: 'text/plain', headers: { location: `../${panel}` } };
        return page(o, r, panel as PortalPanel);
      },
    },
    { method: 'GET', pattern: '/portal/assets/*', handler: (r) => asset(r, `/portal/assets/${r.params['*']}`) },
    {
      method: 'GET',
      pattern: '/portal/plugins/:id/*',
      handler: (r) => asset(r, `/portal/plugins/${r.params.id}/${r.params['*']}`),
    },
  ];
}

/** The HTML shell of the portal or one embedded panel; 503 naming the folder while the build is missing. */
function page(o: PortalOptions, r: ApiRequest, embed: PortalPanel | null): ApiResponse {
  const theme = r.query.get('theme') ?? 'dark';
  if (!THEMES.includes(theme as PortalTheme))
    throw new HttpError(400, `theme must be one of ${THEMES.join(', ')}`, { theme: theme.slice(0, 40) });
  if (o.assets.missing !== undefined)
    return { status: 503, text: `${o.assets.missing}\n`, contentType: 'text/plain; charset=utf-8' };
  const { portal, ...urls } = pageUrls(embed);
  const html = portalHtml({
    ...urls,
    intervalMs: o.intervalMs,
    cluster: o.cluster(),
    embed,
    theme: theme as PortalTheme,
    co2WindowHours: o.co2WindowMs / 3_600_000,
    assets: assetUrls(o.assets, portal),
  });
  return {
    status: 200,
    text: html,
    contentType: 'text/html; charset=utf-8',
    // The router adds frame-ancestors (portal.frameAncestors) to this policy: one header.
    headers: {
      'cache-control': 'no-cache',
      'content-security-policy': PORTAL_CSP,
      'x-content-type-options': 'nosniff',
    },
  };
}

/** One asset by URL path (a map lookup, nothing else): 404 when it was not loaded. */
function assetAnswer(assets: PortalAssets, r: ApiRequest, path: string): ApiResponse {
  const a = assets.files.get(path);
  if (a === undefined) throw new HttpError(404, 'not found', { path: r.path });
  const gzip = a.gzip !== undefined && acceptsGzip(r.req.headers['accept-encoding']);
  return {
    status: 200,
    body: [gzip ? a.gzip! : a.body],
    contentType: a.contentType,
    // Weak: the same tag for the gzip'd and the plain bytes of one content.
    etag: `W/"${a.hash}"`,
    headers: {
      'cache-control': r.query.get('v') === a.hash ? IMMUTABLE : 'no-cache',
      'x-content-type-options': 'nosniff',
      ...(a.gzip === undefined ? {} : { vary: 'accept-encoding' }),
      ...(gzip ? { 'content-encoding': 'gzip' } : {}),
    },
  };
}
