import type { ApiContext } from './context.js';
import { HttpError } from './http.js';
import type { Route } from './router.js';

// The reports' challenge (routes-private.ts): the same realm, so a client handles both alike.
const CHALLENGE = { 'www-authenticate': 'Bearer realm="slurmscope"' };

/** What GET /api/v1/whoami answers: the user the credentials name (null for the admin token and for nobody) and whether they are admin. */
export interface WhoAmI {
  readonly user: string | null;
  readonly admin: boolean;
}

/**
 * GET /api/v1/whoami: who the reports' authenticator says the request is (Slurm JWT as
 * `Authorization: Bearer` or `X-SLURM-USER-TOKEN`, the trusted proxy's user header, the admin
 * token). Nobody (no credentials) is a 200 `{user: null, admin: false}`: every anonymous visit of
 * the portal asks, and a 401 there would be an error in each visitor's console. Credentials that
 * are refused (expired, forged) are a 401 with the reports' challenge, so the page can say so.
 * Not CORS: only ctld's own pages (the portal's "my jobs") ask.
 */
export function whoamiRoute(ctx: ApiContext): Route {
  return {
    method: 'GET',
    pattern: '/api/v1/whoami',
    handler: ({ req }) => {
      const who = ctx.auth.reader({ headers: req.headers, remoteAddress: req.socket.remoteAddress });
      if (who.kind === 'rejected') throw new HttpError(401, who.reason, undefined, CHALLENGE);
      const json: WhoAmI =
        who.kind === 'anonymous'
          ? { user: null, admin: false }
          : who.kind === 'admin'
            ? { user: null, admin: true }
            : { user: who.user, admin: false };
      return { status: 200, json, headers: { 'cache-control': 'no-store' } };
    },
  };
}
