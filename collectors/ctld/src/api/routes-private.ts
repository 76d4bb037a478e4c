import { errorMessage } from '@slurmscope/common';
import { mayRead, type Principal } from '../auth/authenticator.js';
import { HttpError } from './http.js';
import { ingestNodeReport } from './node-report-route.js';
import type { ApiContext } from './context.js';
import type { ApiRequest, Route } from './router.js';
import { reportId, type ReportOwner, type ReportServicePort } from './report-port.js';

/** Default bound of a node report body. */
export { MAX_NODE_REPORT_BYTES } from './node-report-route.js';

const CHALLENGE = { 'www-authenticate': 'Bearer realm="slurmscope"' };

/**
 * The routes that need credentials: POST /api/v1/node-reports (the agents' token) and
 * GET /api/v1/reports[?user=&limit=], /api/v1/reports/:id (admin, or the report's own user, by
 * the index before any file is read; another user's report is 404, not 403, so that its
 * existence does not leak).
 */
export function privateRoutes(ctx: ApiContext): Route[] {
  return [
    { method: 'POST', pattern: '/api/v1/node-reports', handler: (r) => ingestNodeReport(ctx, r) },
    {
      method: 'GET',
      pattern: '/api/v1/reports',
      handler: async ({ req, query }) => {
        const who = reader(ctx, req);
        const limit = parseLimit(query.get('limit'));
        const asked = query.get('user') ?? undefined;
        // A user lists only their own reports, whatever `user` they ask for.
        const user = who.kind === 'admin' ? asked : who.user;
        const list = await service(ctx).list({ ...(user === undefined ? {} : { user }), limit });
        return { status: 200, json: list.filter((e) => mayRead(who, e.user)) };
      },
    },
    {
      method: 'GET',
      pattern: '/api/v1/reports/:id',
      handler: async ({ req, params }) => {
        const who = reader(ctx, req);
        const id = reportId(params.id ?? '');
        const missing = new HttpError(404, `no report ${id}`, { jobid: id });
        // Ownership from the index first: a file nobody else may read is never opened for them,
        // so its errors (a gzip bomb, and the path they name) reach only its owner and the admins.
        const owner = service(ctx).owner(id);
        if (owner === undefined || !mayRead(who, owner)) throw missing;
        const report = await readReport(ctx, id);
        if (report === undefined || !mayRead(who, report.user)) throw missing;
        return { status: 200, json: report };
      },
    },
  ];
}

/** The reader's principal; anonymous or refused credentials are 401 (also GET /api/v1/co2?by=job). */
export function reader(ctx: ApiContext, req: ApiRequest['req']): Exclude<Principal, { kind: 'anonymous' }> {
  const who = ctx.auth.reader({ headers: req.headers, remoteAddress: req.socket.remoteAddress });
  if (who.kind === 'rejected') throw new HttpError(401, who.reason, undefined, CHALLENGE);
  if (who.kind === 'anonymous')
    throw new HttpError(
      401,
      'job reports need the admin token, a Slurm JWT (scontrol token) or a trusted proxy user header',
      undefined,
      CHALLENGE,
    );
  return who;
}

/** A stored report; one that cannot be read (too large once inflated, corrupt) is a 500 naming why. */
async function readReport(ctx: ApiContext, id: string): Promise<ReportOwner | undefined> {
  const s = service(ctx);
  try {
    return await s.get(id);
  } catch (err) {
    ctx.log.error({ jobid: id, err: errorMessage(err) }, 'cannot read a job report');
    throw new HttpError(500, `cannot read the report of job ${id}: ${errorMessage(err)}`, { jobid: id });
  }
}

function service(ctx: ApiContext): ReportServicePort {
  const s = ctx.reports();
  if (s === undefined) throw new HttpError(503, 'the report archive is not open yet (no Slurm snapshot)');
  return s;
}

function parseLimit(text: string | null): number {
  if (text === null) return 100;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 10_000) throw new HttpError(400, 'limit must be an integer from 1 to 10000');
  return n;
}
