import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '@slurmscope/model';
import type { RouteHandler } from '@slurmscope/prometheus';
import { HttpError } from './http.js';
import { corsHeaders, DEFAULT_WEB_POLICY, frameHeaders, isHtml, preflightAnswer, withHeaders } from './web-headers.js';
import type { WebPolicy } from './web-headers.js';

/** One parsed request as a route sees it. */
export interface ApiRequest {
  readonly method: string;
  readonly path: string;
  /** `:name` segments of the route pattern, URL-decoded. */
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  readonly req: IncomingMessage;
}

/**
 * A route's answer: JSON (any value), `text` with its content type, or prebuilt `body` bytes
 * (chunks written in order) with an optional entity tag: a GET whose `If-None-Match` names it
 * gets 304 without a body.
 */
export type ApiResponse =
  | { readonly status: number; readonly json: unknown; readonly headers?: Readonly<Record<string, string>> }
  | {
      readonly status: number;
      readonly text: string;
      readonly contentType: string;
      readonly headers?: Readonly<Record<string, string>>;
    }
  | {
      readonly status: number;
      readonly body: readonly Buffer[];
      readonly contentType: string;
      readonly etag?: string;
      readonly headers?: Readonly<Record<string, string>>;
    };

/**
 * One route: method, pattern (`/api/v1/jobs/:id`; a last segment `*` takes one or more segments,
 * decoded and joined by '/', as `params['*']`) and handler. GET routes answer HEAD too; a
 * GET route with `cors` answers the origins of `api.corsOrigins` (and their OPTIONS preflights).
 */
export interface Route {
  readonly method: 'GET' | 'POST';
  readonly pattern: string;
  /** CORS for every request, or for those whose query it accepts (GET /api/v1/co2 but by=job). */
  readonly cors?: boolean | ((query: URLSearchParams) => boolean);
  readonly handler: (r: ApiRequest) => ApiResponse | Promise<ApiResponse>;
}

/** What {@link Router.match} found for a method and path. */
export type RouteMatch =
  | { readonly kind: 'found'; readonly route: Route; readonly params: Record<string, string> }
  | { readonly kind: 'method'; readonly allow: readonly string[] }
  | { readonly kind: 'none' };

interface Compiled {
  readonly route: Route;
  readonly segments: readonly string[];
}

/**
 * A small router for node:http: exact segments and `:param` segments, JSON answers, HEAD for
 * every GET, 405 with `Allow` for a known path and another method, 404 as JSON, and thrown
 * HttpErrors as JSON answers. Paths listed in `passThrough` (e.g. /metrics) go to the next handler.
 * `web` adds CORS headers on `cors` routes and framing headers (CSP, X-Frame-Options) on HTML pages.
 */
export class Router {
  private readonly compiled: Compiled[];

  constructor(
    routes: readonly Route[],
    private readonly opts: {
      readonly log: Logger;
      readonly passThrough?: readonly string[];
      readonly web?: WebPolicy;
    },
  ) {
    this.compiled = routes.map((route) => ({ route, segments: split(route.pattern) }));
  }

  /** Finds the route of a method and path (pure). */
  match(method: string, path: string): RouteMatch {
    const segs = split(path);
    const allow = new Set<string>();
    for (const c of this.compiled) {
      const params = matchSegments(c.segments, segs);
      if (params === undefined) continue;
      if (c.route.method === method || (method === 'HEAD' && c.route.method === 'GET')) {
        return { kind: 'found', route: c.route, params };
      }
      allow.add(c.route.method);
      if (c.route.method === 'GET') allow.add('HEAD');
    }
    return allow.size > 0 ? { kind: 'method', allow: [...allow].sort() } : { kind: 'none' };
  }

  /** The handler to mount on a MetricsServer (`server.use(router.handler())`). */
  handler(): RouteHandler {
    return async (req, res) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (this.opts.passThrough?.includes(url.pathname)) return false;
      const method = req.method ?? 'GET';
      const web = this.opts.web ?? DEFAULT_WEB_POLICY;
      const get = this.match('GET', url.pathname);
      const cors =
        get.kind === 'found' && corsAllowed(get.route, url.searchParams) ? corsHeaders(web, req.headers.origin) : {};
      const origin = cors['access-control-allow-origin'];
      // A listed origin's preflight; any other OPTIONS stays 405 (and the browser refuses the request).
      if (method === 'OPTIONS' && origin !== undefined) {
        write(res, preflightAnswer(origin), false);
        return true;
      }
      const answer = await this.answer(method, url, req);
      write(res, withHeaders(answer, isHtml(answer) ? { ...cors, ...frameHeaders(web) } : cors), method === 'HEAD');
      return true;
    };
  }

  private async answer(method: string, url: URL, req: IncomingMessage): Promise<ApiResponse> {
    const m = this.match(method, url.pathname);
    if (m.kind === 'none') return { status: 404, json: { error: 'not found', path: url.pathname } };
    if (m.kind === 'method')
      return {
        status: 405,
        json: { error: `method ${method} not allowed`, allow: m.allow },
        headers: { allow: m.allow.join(', ') },
      };
    try {
      return await m.route.handler({ method, path: url.pathname, params: m.params, query: url.searchParams, req });
    } catch (err) {
      if (err instanceof HttpError) {
        return {
          status: err.status,
          json: { error: err.message, ...err.details },
          ...(err.headers ? { headers: err.headers } : {}),
        };
      }
      this.opts.log.error({ path: url.pathname, err: (err as Error).message }, 'API request failed');
      return { status: 500, json: { error: 'internal error' } };
    }
  }
}

function corsAllowed(route: Route, query: URLSearchParams): boolean {
  return typeof route.cors === 'function' ? route.cors(query) : route.cors === true;
}

function write(res: ServerResponse, answer: ApiResponse, head: boolean): void {
  // no-store unless the route says otherwise (the portal's assets: immutable; its pages: no-cache).
  const headers: Record<string, string | number> = { 'cache-control': 'no-store', ...answer.headers };
  // An answer sent before the request body was read (401, 413): close rather than drain the rest.
  if (!res.req.complete) headers.connection = 'close';
  if ('body' in answer) {
    headers['content-type'] = answer.contentType;
    let status = answer.status;
    if (answer.etag !== undefined) {
      headers.etag = answer.etag;
      // Clients may keep it, but must ask again (with If-None-Match) before each use.
      headers['cache-control'] = answer.headers?.['cache-control'] ?? 'no-cache';
      if (status === 200 && etagMatches(res.req.headers['if-none-match'], answer.etag)) status = 304;
    }
    if (status === 304 || status === 204) {
      delete headers['content-type'];
      delete headers['content-encoding'];
      res.writeHead(status, headers);
      res.end();
      return;
    }
    headers['content-length'] = answer.body.reduce((n, b) => n + b.length, 0);
    res.writeHead(status, headers);
    if (!head) for (const chunk of answer.body) res.write(chunk);
    res.end();
    return;
  }
  const body = 'json' in answer ? `${JSON.stringify(answer.json)}\n` : answer.text;
  headers['content-type'] = 'json' in answer ? 'application/json; charset=utf-8' : answer.contentType;
  headers['content-length'] = Buffer.byteLength(body);
  res.writeHead(answer.status, headers);
  res.end(head ? undefined : body);
}

/** True when an `If-None-Match` header names `etag` or is `*` (weak comparison, RFC 9110 §13.1.2). Pure. */
export function etagMatches(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  const opaque = (t: string): string => (t.startsWith('W/') ? t.slice(2) : t);
  const want = opaque(etag);
  return header.split(',').some((t) => {
    const tag = t.trim();
    return tag === '*' || opaque(tag) === want;
  });
}

function split(path: string): string[] {
  return path.split('/').filter((s) => s !== '');
}

function matchSegments(pattern: readonly string[], path: readonly string[]): Record<string, string> | undefined {
  const rest = pattern[pattern.length - 1] === '*';
  if (rest ? path.length < pattern.length : pattern.length !== path.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i]!;
    if (rest && i === pattern.length - 1) {
      const tail = path.slice(i).map(decodeSegment);
      if (tail.includes(undefined)) return undefined;
      params['*'] = tail.join('/');
    } else if (p.startsWith(':')) {
      const value = decodeSegment(path[i]!);
      if (value === undefined) return undefined;
      params[p.slice(1)] = value;
    } else if (p !== path[i]) return undefined;
  }
  return params;
}

/** A path segment URL-decoded; undefined for a malformed %-escape, which names no resource (404, not 500). */
function decodeSegment(s: string): string | undefined {
  try {
    return decodeURIComponent(s);
  } catch (err) {
    if (err instanceof URIError) return undefined;
    throw err;
  }
}
