import type { ApiContext } from './context.js';
import { HttpError } from './http.js';
import type { Route } from './router.js';

// The reports' challenge (routes-private.ts): the same realm, so a client handles both alike.
const CHALLENGE = { 'www-authenticate': 'Bearer realm="slurmscope"' };

/** What GET /api/v1/whoami answers: the user the credentials name (null for the admin token) and whether they are admin. */
export interface WhoAmI {
  readonly user: string | null;
  readonly admin: boolean;
}

/**
 * GET /api/v1/whoami: who the reports' authenticator says the request is (Slurm JWT as
 * `Authorization: Bearer` or `X-SLURM-USER-TOKEN`, the trusted proxy's user header, the admin
 * token); 401 with the same challenge as the reports when anonymous or refused. Not CORS: only
 * ctld's own pages (the portal's "my jobs") ask.
 */
export function whoamiRoute(ctx: ApiContext): Route {
  return {
    method: 'GET',
    pattern: '/api/v1/whoami',
    handler: ({ req }) => {
      const who = ctx.auth.reader({ headers: req.headers, remoteAddress: req.socket.remoteAddress });
      if (who.kind === 'rejected') throw new HttpError(401, who.reason, undefined, CHALLENGE);
      if (who.kind === 'anonymous')
        throw new HttpError(
          401,
          'no user known: send a Slurm JWT (scontrol token) as Authorization: Bearer, or come through the trusted proxy',
          undefined,
          CHALLENGE,
        );
      const json: WhoAmI = who.kind === 'admin' ? { user: null, admin: true } : { user: who.user, admin: false };
      return { status: 200, json };
    },
  };
}
