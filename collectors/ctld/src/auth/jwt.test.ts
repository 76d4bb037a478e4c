import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { signHs256Jwt, verifySlurmJwt } from './jwt.js';

const KEY = Buffer.from('0123456789abcdef0123456789abcdef\n');
const NOW = 1_800_000_000_000;
const exp = NOW / 1000 + 600;

/** A token with a hand-made header (for alg tests), signed with `key`. */
function rawToken(header: object, claims: object, key = KEY): string {
  const h = Buffer.from(JSON.stringify(header)).toString('base64url');
  const p = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `${h}.${p}.${createHmac('sha256', key).update(`${h}.${p}`).digest('base64url')}`;
}

const CASES: ReadonlyArray<{ name: string; token: string; want: string }> = [
  { name: 'valid', token: signHs256Jwt({ exp, iat: NOW / 1000, sun: 'alice' }, KEY), want: 'user alice' },
  {
    name: 'as scontrol token prints it',
    token: `SLURM_JWT=${signHs256Jwt({ exp, sun: 'bob' }, KEY)}\n`,
    want: 'user bob',
  },
  { name: 'expired', token: signHs256Jwt({ exp: NOW / 1000 - 1, sun: 'alice' }, KEY), want: 'JWT expired' },
  {
    name: 'expiring this very second',
    token: signHs256Jwt({ exp: NOW / 1000, sun: 'alice' }, KEY),
    want: 'JWT expired',
  },
  {
    name: 'signed with another key',
    token: signHs256Jwt({ exp, sun: 'alice' }, Buffer.from('other')),
    want: 'JWT signature does not match the cluster key',
  },
  {
    name: 'key without its trailing newline (not trimmed)',
    token: signHs256Jwt({ exp, sun: 'alice' }, KEY.subarray(0, 32)),
    want: 'JWT signature does not match the cluster key',
  },
  { name: 'no sun claim', token: signHs256Jwt({ exp, sub: 'alice' }, KEY), want: 'JWT has no sun (user name) claim' },
  { name: 'empty sun', token: signHs256Jwt({ exp, sun: '' }, KEY), want: 'JWT has no sun (user name) claim' },
  { name: 'no exp claim', token: signHs256Jwt({ sun: 'alice' }, KEY), want: 'JWT has no exp claim' },
  {
    name: 'exp as a string',
    token: signHs256Jwt({ exp: String(exp), sun: 'alice' }, KEY),
    want: 'JWT has no exp claim',
  },
  {
    name: 'alg none',
    token: rawToken({ alg: 'none' }, { exp, sun: 'alice' }),
    want: 'JWT algorithm "none" is not HS256',
  },
  {
    name: 'alg HS512',
    token: rawToken({ alg: 'HS512' }, { exp, sun: 'alice' }),
    want: 'JWT algorithm "HS512" is not HS256',
  },
  { name: 'two parts', token: 'eyJhbGciOiJIUzI1NiJ9.eyJzdW4iOiJhIn0', want: 'not a JWT (three base64url parts)' },
  {
    name: 'empty signature',
    token: `${signHs256Jwt({ exp, sun: 'a' }, KEY).split('.').slice(0, 2).join('.')}.`,
    want: 'not a JWT (three base64url parts)',
  },
  { name: 'not base64url', token: 'a+b.c/d.e=f', want: 'not a JWT (three base64url parts)' },
  {
    name: 'header not JSON',
    token: `${Buffer.from('nope').toString('base64url')}.e30.sig`,
    want: 'JWT header is not JSON',
  },
  { name: 'empty string', token: '', want: 'not a JWT (three base64url parts)' },
];

for (const c of CASES) {
  test(`verifySlurmJwt: ${c.name}`, () => {
    const r = verifySlurmJwt(c.token, KEY, NOW);
    assert.equal(r.ok ? `user ${r.user}` : r.reason, c.want);
  });
}

test('verifySlurmJwt: a payload changed after signing is refused', () => {
  const [h, , s] = signHs256Jwt({ exp, sun: 'alice' }, KEY).split('.');
  const forged = Buffer.from(JSON.stringify({ exp, sun: 'root' })).toString('base64url');
  const r = verifySlurmJwt(`${h}.${forged}.${s}`, KEY, NOW);
  assert.deepEqual(r, { ok: false, reason: 'JWT signature does not match the cluster key' });
});

test('verifySlurmJwt: returns the expiry in ms', () => {
  const r = verifySlurmJwt(signHs256Jwt({ exp, sun: 'alice' }, KEY), KEY, NOW);
  assert.deepEqual(r, { ok: true, user: 'alice', expiresMs: exp * 1000 });
});
