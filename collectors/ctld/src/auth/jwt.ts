import { createHmac, timingSafeEqual } from 'node:crypto';

/** The outcome of checking a Slurm JWT: the user it names, or why it was refused. */
export type JwtCheck =
  | { readonly ok: true; readonly user: string; readonly expiresMs: number }
  | { readonly ok: false; readonly reason: string };

const B64URL = /^[A-Za-z0-9_-]*$/;

/**
 * Checks a JWT as `scontrol token` issues it (Slurm's auth/jwt plugin): three base64url parts,
 * header `alg` HS256, signed with the cluster's `jwt_hs256.key` (the file's raw bytes), an `exp`
 * claim in the future and the user name in `sun` ("slurm user name"). The signature is compared
 * in constant time. A leading `SLURM_JWT=` (scontrol's output as printed) is accepted. Pure.
 */
export function verifySlurmJwt(token: string, key: Buffer, nowMs: number): JwtCheck {
  const text = token.trim().replace(/^SLURM_JWT=/, '');
  const parts = text.split('.');
  if (parts.length !== 3 || !parts.every((p) => p.length > 0 && B64URL.test(p)))
    return { ok: false, reason: 'not a JWT (three base64url parts)' };
  const [h, p, s] = parts as [string, string, string];
  const header = decodeJson(h);
  if (header === undefined) return { ok: false, reason: 'JWT header is not JSON' };
  if (header.alg !== 'HS256') return { ok: false, reason: `JWT algorithm ${JSON.stringify(header.alg)} is not HS256` };
  const expected = createHmac('sha256', key).update(`${h}.${p}`).digest();
  const given = Buffer.from(s, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { ok: false, reason: 'JWT signature does not match the cluster key' };
  const claims = decodeJson(p);
  if (claims === undefined) return { ok: false, reason: 'JWT payload is not JSON' };
  if (typeof claims.exp !== 'number' || !Number.isFinite(claims.exp))
    return { ok: false, reason: 'JWT has no exp claim' };
  const expiresMs = claims.exp * 1000;
  if (expiresMs <= nowMs) return { ok: false, reason: 'JWT expired' };
  if (typeof claims.sun !== 'string' || claims.sun === '')
    return { ok: false, reason: 'JWT has no sun (user name) claim' };
  return { ok: true, user: claims.sun, expiresMs };
}

function decodeJson(part: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch (err) {
    // Malformed base64/JSON is a refused token, not a server error: the caller reports the reason.
    if (err instanceof SyntaxError) return undefined;
    throw err;
  }
}

/** Builds an HS256 JWT (tests, and `slurmscope` tools that mint tokens for a test cluster). */
export function signHs256Jwt(claims: Readonly<Record<string, unknown>>, key: Buffer): string {
  const h = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
  const p = Buffer.from(JSON.stringify(claims)).toString('base64url');
  const s = createHmac('sha256', key).update(`${h}.${p}`).digest('base64url');
  return `${h}.${p}.${s}`;
}
