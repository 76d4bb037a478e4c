import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { Authenticator } from '../auth/authenticator.js';
import { signHs256Jwt } from '../auth/jwt.js';
import { startTestApi } from './testkit.js';

const KEY = Buffer.from('jwt-key');
const CHALLENGE = 'Bearer realm="slurmscope"';

type Who = (headers?: Record<string, string>) => Promise<{ status: number; body: unknown; headers: Headers }>;

/** GET /api/v1/whoami with the reports' authenticator: admin token, Slurm JWTs, 127.0.0.1 as trusted proxy. */
async function serve(t: TestContext, trustedProxy: readonly string[] = ['127.0.0.1']): Promise<Who> {
  const api = await startTestApi(t, {
    ctx: {
      auth: new Authenticator({
        adminToken: 'admin-tok',
        jwtKey: KEY,
        trustedProxy: { addresses: [...trustedProxy], header: 'X-Remote-User' },
      }),
    },
  });
  return async (headers = {}) => {
    const res = await fetch(`${api.base}/api/v1/whoami`, { headers });
    return { status: res.status, body: await res.json(), headers: res.headers };
  };
}

const jwt = (user: string, expInS: number): string =>
  signHs256Jwt({ exp: Math.floor(Date.now() / 1000) + expInS, sun: user }, KEY);

test('GET /api/v1/whoami: the Slurm JWT user (Bearer or X-SLURM-USER-TOKEN), the proxy user, the admin', async (t) => {
  const who = await serve(t);
  assert.deepEqual((await who({ authorization: `Bearer ${jwt('alice', 600)}` })).body, { user: 'alice', admin: false });
  assert.deepEqual((await who({ 'x-slurm-user-token': jwt('carol', 600) })).body, { user: 'carol', admin: false });
  assert.deepEqual((await who({ 'x-remote-user': 'bob' })).body, { user: 'bob', admin: false });
  const admin = await who({ authorization: 'Bearer admin-tok' });
  assert.deepEqual([admin.status, admin.body], [200, { user: null, admin: true }]);
  assert.equal(admin.headers.get('cache-control'), 'no-store');
  assert.equal(admin.headers.get('access-control-allow-origin'), null);
});

test('GET /api/v1/whoami: nobody is 200 {user: null}; an expired or forged JWT is 401 with the challenge; an untrusted proxy header names nobody', async (t) => {
  const who = await serve(t);
  const anonymous = await who();
  assert.deepEqual([anonymous.status, anonymous.body], [200, { user: null, admin: false }]);
  assert.equal(anonymous.headers.get('cache-control'), 'no-store');
  const expired = await who({ authorization: `Bearer ${jwt('alice', -1)}` });
  assert.deepEqual([expired.status, expired.body], [401, { error: 'JWT expired' }]);
  assert.equal(expired.headers.get('www-authenticate'), CHALLENGE);
  const forged = signHs256Jwt({ exp: Math.floor(Date.now() / 1000) + 600, sun: 'root' }, Buffer.from('other-key'));
  assert.equal((await who({ authorization: `Bearer ${forged}` })).status, 401);

  const direct = await serve(t, []);
  const untrusted = await direct({ 'x-remote-user': 'bob' });
  assert.deepEqual(untrusted.body, { user: null, admin: false }, 'the header counts only from a trusted proxy');
});
