import { HttpError } from './http.js';
import type { ApiContext } from './context.js';
import { entityTag, preparedAnswer, type PreparedBody } from './bodies.js';
import { acceptsGzip } from './gzip.js';
import type { ApiRequest, ApiResponse, Route } from './router.js';
import { freshness, type CycleView, type Freshness } from './view.js';
import { Co2Answers, co2WindowMs } from './co2-view.js';
import type { ReportIndexEntry } from '../reports/types.js';

/** Options of {@link publicRoutes}. */
export interface PublicRouteOptions {
  /** The window of GET /api/v1/co2 without `?hours=` (portal.co2Window), ms; default 24 h. */
  readonly co2WindowMs?: number;
  /** The portal is served: the index page links it. */
  readonly portal?: boolean;
}

/**
 * The routes anyone who reaches the port may read (availability and load are not secret):
 * GET /api/v1/availability, /api/v1/webjobs[?user=], /api/v1/findings[?user=], /api/v1/jobs/:id,
 * /api/v1/co2[?hours=], and the index page. The JSON routes are `cors` (readable by the pages of
 * `api.corsOrigins`). Each answers from the last cycle; before the first good poll, 503. All but
 * jobs/:id send bytes serialized once per cycle (gzip'd when accepted, with an ETag for
 * If-None-Match → 304).
 */
export function publicRoutes(ctx: ApiContext, opts: PublicRouteOptions = {}): Route[] {
  const co2 = new Co2Answers();
  const co2Default = opts.co2WindowMs ?? 24 * 3_600_000;
  const current = (): { view: CycleView; fresh: Freshness } => {
    const view = ctx.view();
    const fresh = freshness(view, ctx.now(), ctx.intervalMs);
    if (view === undefined || fresh === undefined) {
      const retry = String(Math.ceil(ctx.intervalMs / 1000));
      throw new HttpError(
        503,
        'no Slurm snapshot yet',
        { stale: true, ...(view?.poll.error ? { pollError: view.poll.error } : {}) },
        { 'retry-after': retry },
      );
    }
    return { view, fresh };
  };
  const prepared = (r: ApiRequest, what: string, pick: (v: CycleView) => PreparedBody | Promise<PreparedBody>) => {
    const { view, fresh } = current();
    const etag = entityTag({ snapshotMs: fresh.snapshotMs, cycle: view.cycle, what, stale: fresh.stale });
    const opts = { gzip: acceptsGzip(r.req.headers['accept-encoding']), etag };
    const body = pick(view);
    return body instanceof Promise
      ? body.then((b) => preparedAnswer(fresh, b, opts))
      : preparedAnswer(fresh, body, opts);
  };
  return [
    { method: 'GET', pattern: '/', handler: () => indexPage(ctx.title, opts.portal === true) },
    {
      method: 'GET',
      pattern: '/api/v1/availability',
      cors: true,
      // A view with a snapshot always has its availability body (see buildCycleView).
      handler: (r) => prepared(r, 'availability', (v) => v.answers.availability!),
    },
    {
      method: 'GET',
      pattern: '/api/v1/webjobs',
      cors: true,
      handler: (r) => {
        const user = r.query.get('user');
        if (user === null) return prepared(r, 'webjobs', (v) => v.answers.webjobs);
        return prepared(r, `webjobs?user=${user}`, (v) => v.answers.user(user));
      },
    },
    {
      method: 'GET',
      pattern: '/api/v1/findings',
      cors: true,
      handler: (r) => {
        const user = r.query.get('user');
        if (user === null) return prepared(r, 'findings', (v) => v.answers.findings);
        return prepared(r, `findings?user=${user}`, (v) => v.answers.userFindings(user));
      },
    },
    {
      method: 'GET',
      pattern: '/api/v1/co2',
      cors: true,
      handler: (r) => {
        const windowMs = co2WindowMs(r.query.get('hours'), co2Default);
        const reports = ctx.reports();
        if (reports === undefined) throw new HttpError(503, 'the report archive is not open yet (no Slurm snapshot)');
        const rows = (sinceMs: number): readonly ReportIndexEntry[] => reports.co2Rows?.(sinceMs) ?? [];
        return prepared(r, `co2?hours=${windowMs}`, (v) => co2.body(v, windowMs, rows));
      },
    },
    {
      method: 'GET',
      pattern: '/api/v1/jobs/:id',
      cors: true,
      handler: ({ params }) => {
        const { view, fresh } = current();
        const id = params.id ?? '';
        const job = view.byId.get(id);
        if (job === undefined) throw new HttpError(404, `no running job ${id}`, { jobid: id });
        return { status: 200, json: { ...fresh, job } };
      },
    },
  ];
}

const LINKS: ReadonlyArray<readonly [string, string]> = [
  ['/api/v1/availability', 'availability per partition (idle, allocated, down, drain, preemptable, available)'],
  ['/api/v1/webjobs', 'running jobs: load per node, imbalance, efficiency (?user=NAME)'],
  ['/api/v1/findings', 'findings about running jobs: uneven load, idle GPUs, memory near its limit, ... (?user=NAME)'],
  ['/api/v1/jobs/ID', 'one running job (webjobs view)'],
  ['/api/v1/co2', 'energy and CO2e of the jobs that ended in portal.co2Window (default 24 h; ?hours=1..168)'],
  ['/api/v1/reports', 'job reports (admin token, Slurm JWT or trusted proxy user)'],
  ['/api/v1/reports/ID', 'one job report'],
  ['/api/v1/whoami', 'who your credentials say you are (Slurm JWT or trusted proxy user)'],
  ['/metrics', 'Prometheus text exposition'],
];

const PORTAL_LINK = [
  '/portal/',
  'the portal: availability, running jobs and CO2 as panels (no Grafana needed)',
] as const;

function indexPage(title: string, portal: boolean): ApiResponse {
  const esc = (s: string): string => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  const items = (portal ? [PORTAL_LINK, ...LINKS] : LINKS)
    .map(([href, what]) => `<li><a href="${esc(href)}">${esc(href)}</a> — ${esc(what)}</li>`)
    .join('\n');
  const text = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title></head>
<body><h1>${esc(title)}</h1>
<ul>
${items}
</ul>
<p>POST /api/v1/node-reports is for the node agents.</p>
</body></html>
`;
  return { status: 200, text, contentType: 'text/html; charset=utf-8' };
}
