import { HttpError } from './http.js';
import type { ApiContext } from './context.js';
import { entityTag, preparedAnswer, type PreparedBody } from './bodies.js';
import { reader } from './routes-private.js';
import { withHeaders } from './web-headers.js';
import { acceptsGzip } from './gzip.js';
import type { ApiRequest, ApiResponse, Route } from './router.js';
import { freshness, type CycleView, type Freshness } from './view.js';
import { Co2Answers, co2By, co2WindowMs } from './co2-view.js';
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
 * /api/v1/co2[?hours=&by=user|account|partition] (by=job: the reports' credentials), and the
 * index page. The JSON routes are `cors` (readable by the pages of `api.corsOrigins`; co2 by=job
 * never). Each answers from the last cycle; before the first good poll, 503. All but jobs/:id send
 * bytes serialized once per cycle (gzip'd when accepted, with an ETag for If-None-Match → 304;
 * co2's tag is its content's, so it stays the same until a job ends).
 */
export function publicRoutes(ctx: ApiContext, opts: PublicRouteOptions = {}): Route[] {
  const co2Default = opts.co2WindowMs ?? 24 * 3_600_000;
  const co2 = new Co2Answers(co2Default);
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
  // A body with a `contentTag` is tagged by its content (the same across cycles until it changes),
  // any other by the cycle; `headers` are added to the answer.
  const prepared = (
    r: ApiRequest,
    what: string,
    pick: (v: CycleView) => Tagged | Promise<Tagged>,
    headers: Readonly<Record<string, string>> = {},
  ) => {
    const { view, fresh } = current();
    const gzip = acceptsGzip(r.req.headers['accept-encoding']);
    const answer = (b: Tagged): ApiResponse => {
      const etag =
        b.contentTag === undefined
          ? entityTag({ snapshotMs: fresh.snapshotMs, cycle: view.cycle, what, stale: fresh.stale })
          : `W/"${encodeURIComponent(what)}.${b.contentTag}${fresh.stale ? '.stale' : ''}"`;
      return withHeaders(preparedAnswer(fresh, b, { gzip, etag }), headers);
    };
    const body = pick(view);
    return body instanceof Promise ? body.then(answer) : answer(body);
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
      // The sums are public; the list of jobs (who ran what, when) is not, and never for other origins.
      cors: (query) => query.get('by') !== 'job',
      handler: (r) => {
        const windowMs = co2WindowMs(r.query.get('hours'), co2Default);
        const by = co2By(r.query.get('by'));
        const who = by === 'job' ? reader(ctx, r.req) : undefined;
        const reports = ctx.reports();
        if (reports === undefined) throw new HttpError(503, 'the report archive is not open yet (no Slurm snapshot)');
        const rows = (sinceMs: number): readonly ReportIndexEntry[] => reports.co2Rows?.(sinceMs) ?? [];
        // A user lists only their own jobs; the answer is theirs: never kept by a shared cache.
        const user = who?.kind === 'user' ? who.user : undefined;
        const priv: Record<string, string> =
          who === undefined ? {} : { 'cache-control': 'private, no-cache', vary: 'authorization' };
        const what = `co2?hours=${windowMs / 3_600_000}&by=${by}`;
        return prepared(
          r,
          what,
          (v) => co2.body(v, { windowMs, by, ...(user === undefined ? {} : { user }) }, rows),
          priv,
        );
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

/** A prepared body, tagged by its content when it says so (co2). */
type Tagged = PreparedBody & { readonly contentTag?: string };

const LINKS: ReadonlyArray<readonly [string, string]> = [
  ['/api/v1/availability', 'availability per partition (idle, allocated, down, drain, preemptable, available)'],
  ['/api/v1/webjobs', 'running jobs: load per node, imbalance, efficiency (?user=NAME)'],
  ['/api/v1/findings', 'findings about running jobs: uneven load, idle GPUs, memory near its limit, ... (?user=NAME)'],
  ['/api/v1/jobs/ID', 'one running job (webjobs view)'],
  [
    '/api/v1/co2',
    'energy and CO2e of the jobs that ended in portal.co2Window (default 24 h; ?hours=1..168), per user (?by=account, partition; by=job: job reports credentials)',
  ],
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
