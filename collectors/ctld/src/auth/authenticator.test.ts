import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, ctldConfigSchema } from '@slurmscope/common';
import { Authenticator, mayRead, type AuthRequest, type AuthSettings } from './authenticator.js';
import { signHs256Jwt } from './jwt.js';
import { loadAuthSettings, readJwtKey } from './load.js';

const KEY = Buffer.from('cluster-key-bytes');
const NOW = 1_800_000_000_000;
const SETTINGS: AuthSettings = {
  agentToken: 'agent-secret',
  adminToken: 'admin-secret',
  jwtKey: KEY,
  trustedProxy: { addresses: ['10.0.0.5', '192.168.7.0/24', '::1'], header: 'X-Remote-User' },
};
const auth = new Authenticator(SETTINGS, () => NOW);
const jwt = (claims: Record<string, unknown>): string => signHs256Jwt(claims, KEY);
const req = (headers: Record<string, string>, remoteAddress = '203.0.113.9'): AuthRequest => ({
  headers,
  remoteAddress,
});

const READERS: ReadonlyArray<{ name: string; req: AuthRequest; want: string }> = [
  { name: 'no credentials', req: req({}), want: 'anonymous' },
  { name: 'admin token', req: req({ authorization: 'Bearer admin-secret' }), want: 'admin' },
  { name: 'admin token, lower-case scheme', req: req({ authorization: 'bearer admin-secret' }), want: 'admin' },
  {
    name: 'agent token is not an admin token',
    req: req({ authorization: 'Bearer agent-secret' }),
    want: 'rejected: not a JWT (three base64url parts)',
  },
  {
    name: 'JWT as bearer',
    req: req({ authorization: `Bearer ${jwt({ exp: NOW / 1000 + 60, sun: 'alice' })}` }),
    want: 'user alice via jwt',
  },
  {
    name: 'JWT in X-SLURM-USER-TOKEN',
    req: req({ 'x-slurm-user-token': jwt({ exp: NOW / 1000 + 60, sun: 'bob' }) }),
    want: 'user bob via jwt',
  },
  {
    name: 'expired JWT',
    req: req({ 'x-slurm-user-token': jwt({ exp: NOW / 1000 - 60, sun: 'bob' }) }),
    want: 'rejected: JWT expired',
  },
  {
    name: 'JWT wins over a proxy header',
    req: req({ 'x-slurm-user-token': jwt({ exp: NOW / 1000 + 60, sun: 'bob' }), 'x-remote-user': 'eve' }, '10.0.0.5'),
    want: 'user bob via jwt',
  },
  {
    name: 'proxy header from a trusted address',
    req: req({ 'x-remote-user': 'carol' }, '10.0.0.5'),
    want: 'user carol via proxy',
  },
  {
    name: 'proxy header from a trusted block',
    req: req({ 'x-remote-user': 'carol' }, '192.168.7.200'),
    want: 'user carol via proxy',
  },
  {
    name: 'proxy header from an IPv4-mapped trusted address',
    req: req({ 'x-remote-user': 'carol' }, '::ffff:10.0.0.5'),
    want: 'user carol via proxy',
  },
  {
    name: 'proxy header from trusted ::1',
    req: req({ 'x-remote-user': 'carol' }, '::1'),
    want: 'user carol via proxy',
  },
  {
    name: 'proxy header from anyone else is ignored',
    req: req({ 'x-remote-user': 'root' }, '10.0.0.6'),
    want: 'anonymous',
  },
  {
    name: 'proxy header just outside the block',
    req: req({ 'x-remote-user': 'root' }, '192.168.8.1'),
    want: 'anonymous',
  },
  { name: 'proxy header without a peer address', req: { headers: { 'x-remote-user': 'root' } }, want: 'anonymous' },
  { name: 'empty proxy header', req: req({ 'x-remote-user': ' ' }, '10.0.0.5'), want: 'anonymous' },
];

for (const c of READERS) {
  test(`Authenticator.reader: ${c.name}`, () => {
    const r = auth.reader(c.req);
    const got =
      r.kind === 'user' ? `user ${r.user} via ${r.via}` : r.kind === 'rejected' ? `rejected: ${r.reason}` : r.kind;
    assert.equal(got, c.want);
  });
}

test('Authenticator.reader: a non-admin bearer without a JWT key is refused, not ignored', () => {
  const noKey = new Authenticator({ ...SETTINGS, jwtKey: undefined }, () => NOW);
  const r = noKey.reader(req({ authorization: 'Bearer whatever' }));
  assert.equal(r.kind, 'rejected');
});

const AGENTS: ReadonlyArray<{ name: string; headers: Record<string, string>; want: string }> = [
  { name: 'right token', headers: { authorization: 'Bearer agent-secret' }, want: 'ok' },
  { name: 'missing', headers: {}, want: 'missing bearer token' },
  { name: 'wrong', headers: { authorization: 'Bearer agent-secreT' }, want: 'wrong bearer token' },
  {
    name: 'admin token is not the agent token',
    headers: { authorization: 'Bearer admin-secret' },
    want: 'wrong bearer token',
  },
  { name: 'not a bearer scheme', headers: { authorization: 'Basic YWdlbnQ6c2VjcmV0' }, want: 'missing bearer token' },
];

for (const c of AGENTS) {
  test(`Authenticator.agent: ${c.name}`, () => {
    const r = auth.agent(req(c.headers));
    assert.equal(r.ok ? 'ok' : r.reason, c.want);
  });
}

test('Authenticator.agent: without an agent token every report passes', () => {
  const open = new Authenticator({ trustedProxy: { addresses: [], header: 'X-Remote-User' } });
  assert.equal(open.agentTokenRequired, false);
  assert.deepEqual(open.agent(req({})), { ok: true });
});

test('mayRead: admin reads all, a user only their own, anonymous nothing', () => {
  assert.equal(mayRead({ kind: 'admin' }, 'alice'), true);
  assert.equal(mayRead({ kind: 'user', user: 'alice', via: 'jwt' }, 'alice'), true);
  assert.equal(mayRead({ kind: 'user', user: 'alice', via: 'jwt' }, 'bob'), false);
  assert.equal(mayRead({ kind: 'anonymous' }, 'alice'), false);
});

test('loadAuthSettings: tokens from 0600 files, JWT key as raw bytes; bad files are ConfigErrors naming the key', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ctld-auth-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, body: string | Buffer, mode = 0o600): string => {
    const p = join(dir, name);
    writeFileSync(p, body, { mode });
    return p;
  };
  const config = ctldConfigSchema.parse({
    auth: {
      agentTokenFile: file('agent', 'agent-secret\n'),
      adminTokenFile: file('admin', 'admin-secret\n'),
      jwtKeyFile: file('jwt', Buffer.from([0, 1, 2, 10])),
      trustedProxy: { addresses: ['127.0.0.1'] },
    },
  });
  const s = loadAuthSettings(config, {});
  assert.equal(s.agentToken, 'agent-secret');
  assert.equal(s.adminToken, 'admin-secret');
  assert.deepEqual(s.jwtKey, Buffer.from([0, 1, 2, 10]));
  assert.equal(s.trustedProxy.header, 'X-Remote-User');

  assert.throws(
    () => readJwtKey(file('jwt-open', 'k', 0o644)),
    (e: unknown) => e instanceof ConfigError && e.key === 'auth.jwtKeyFile',
  );
  assert.throws(() => readJwtKey(file('jwt-empty', '')), /empty/);
  assert.throws(() => readJwtKey(join(dir, 'absent')), /ENOENT/);
  const badProxy = ctldConfigSchema.parse({ auth: { trustedProxy: { addresses: ['proxy.example'] } } });
  assert.throws(
    () => loadAuthSettings(badProxy, {}),
    (e: unknown) => e instanceof ConfigError && e.key === 'auth.trustedProxy.addresses.0',
  );
  const fromEnv = loadAuthSettings(ctldConfigSchema.parse({}), { SLURMSCOPE_AGENT_TOKEN: 'env-agent' });
  assert.equal(fromEnv.agentToken, 'env-agent');
  assert.equal(fromEnv.jwtKey, undefined);
});
