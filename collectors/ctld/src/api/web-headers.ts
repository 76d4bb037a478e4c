import type { ApiResponse } from './router.js';

/** Browser-facing policy of ctld's answers: `api.corsOrigins` and `portal.frameAncestors` of the config. */
export interface WebPolicy {
  /** Origins whose pages may read the public JSON answers (exact match of the `Origin` header). */
  readonly corsOrigins: readonly string[];
  /** CSP frame-ancestors sources allowed besides 'self'; empty: 'self' only (and X-Frame-Options SAMEORIGIN). */
  readonly frameAncestors: readonly string[];
}

/** The policy of a config without either key: no CORS, frames from ctld itself only. */
export const DEFAULT_WEB_POLICY: WebPolicy = { corsOrigins: [], frameAncestors: [] };

/** How long a browser may keep a preflight's answer, in seconds. */
export const PREFLIGHT_MAX_AGE_S = 600;

/**
 * The CORS headers of an answer on a CORS route: `Vary: Origin` whenever origins are listed (the
 * answer depends on it), `Access-Control-Allow-Origin` only for an `Origin` that is exactly one
 * of them (never `*`, no credentials). Pure.
 */
export function corsHeaders(policy: WebPolicy, origin: string | undefined): Record<string, string> {
  if (policy.corsOrigins.length === 0) return {};
  if (origin === undefined || !policy.corsOrigins.includes(origin)) return { vary: 'origin' };
  return {
    vary: 'origin',
    'access-control-allow-origin': origin,
    // Readable by the page: the tag to send back in If-None-Match, and when to retry a 503.
    'access-control-expose-headers': 'etag, retry-after',
  };
}

/** The 204 answer to a preflight (OPTIONS) of a CORS route from a listed origin: GET, If-None-Match, 10 min. */
export function preflightAnswer(origin: string): ApiResponse {
  return {
    status: 204,
    body: [],
    contentType: 'text/plain; charset=utf-8',
    headers: {
      vary: 'origin',
      'access-control-allow-origin': origin,
      'access-control-allow-methods': 'GET',
      'access-control-allow-headers': 'if-none-match',
      'access-control-max-age': String(PREFLIGHT_MAX_AGE_S),
    },
  };
}

/**
 * Framing headers of an HTML page: CSP `frame-ancestors 'self' <sources>`, and
 * `X-Frame-Options: SAMEORIGIN` for browsers without CSP when no other source is listed (it
 * cannot express a list). Pure.
 */
export function frameHeaders(policy: WebPolicy): Record<string, string> {
  const csp = { 'content-security-policy': ["frame-ancestors 'self'", ...policy.frameAncestors].join(' ') };
  return policy.frameAncestors.length === 0 ? { ...csp, 'x-frame-options': 'SAMEORIGIN' } : csp;
}

/** True for an answer that is an HTML page. */
export function isHtml(answer: ApiResponse): boolean {
  return 'contentType' in answer && answer.contentType.toLowerCase().startsWith('text/html');
}

const CSP = 'content-security-policy';

/**
 * The answer with `extra` headers added; a `vary` in both is joined ("accept-encoding, origin"),
 * a `content-security-policy` in both becomes one policy (the answer's directives, then extra's). Pure.
 */
export function withHeaders(answer: ApiResponse, extra: Readonly<Record<string, string>>): ApiResponse {
  if (Object.keys(extra).length === 0) return answer;
  const headers: Record<string, string> = { ...answer.headers, ...extra };
  const vary = answer.headers?.vary;
  if (vary !== undefined && extra.vary !== undefined) headers.vary = `${vary}, ${extra.vary}`;
  const csp = answer.headers?.[CSP];
  if (csp !== undefined && extra[CSP] !== undefined) headers[CSP] = `${csp}; ${extra[CSP]}`;
  return { ...answer, headers };
}

/**
 * The portal pages' policy besides framing (the router adds frame-ancestors to it): scripts and
 * everything else from ctld only, no inline script; inline styles (emotion) and data: images allowed.
 */
export const PORTAL_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'";
