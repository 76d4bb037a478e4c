import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { BlockList, isIP } from 'node:net';
import { AgentTokens, bearerToken, type AgentAuth, type AgentAuthMode } from './agent-tokens.js';
import { verifySlurmJwt } from './jwt.js';

/** Who a request speaks for, once its credentials were checked. */
export type Principal =
  | { readonly kind: 'admin' }
  | { readonly kind: 'user'; readonly user: string; readonly via: 'jwt' | 'proxy' }
  | { readonly kind: 'anonymous' };

/** A reader's credentials: a principal, or credentials that were presented and refused. */
export type ReaderAuth = Principal | { readonly kind: 'rejected'; readonly reason: string };

/** What a request shows the authenticator: its headers and the peer's address. */
export interface AuthRequest {
  readonly headers: IncomingHttpHeaders;
  readonly remoteAddress?: string | undefined;
}

/** The secrets and trust settings of ctld's API (read once at start from files or the environment). */
export interface AuthSettings {
  /**
   * Bearer token of the agents' node reports (`shared`), or the secret that derives each node's
   * token (`hmac`); absent in shared mode = node reports need no token.
   */
  readonly agentToken?: string | undefined;
  /** How agent tokens are checked; default `shared`. */
  readonly agentAuth?: AgentAuthMode;
  /** Each node's token, in `files` mode. */
  readonly agentNodeTokens?: ReadonlyMap<string, string> | undefined;
  /** Bearer token that may read every report. */
  readonly adminToken?: string | undefined;
  /** Slurm's jwt_hs256.key (raw bytes) to check users' `scontrol token` JWTs. */
  readonly jwtKey?: Buffer | undefined;
  /** Peers (addresses or CIDR blocks) trusted to name the user in `header`. */
  readonly trustedProxy: { readonly addresses: readonly string[]; readonly header: string };
}

/**
 * Decides who a request is. Node reports: the agent token as `Authorization: Bearer`, shared or
 * per node (see agent-tokens.ts).
 * Report readers, first match wins: the admin token as Bearer; a Slurm JWT as Bearer or
 * `X-SLURM-USER-TOKEN`; the user header of a trusted reverse proxy (only when the TCP peer is one
 * of `trustedProxy.addresses`: anyone else's header is ignored). A token that is presented and
 * fails is refused rather than ignored, so a typo never silently downgrades to anonymous.
 */
export class Authenticator {
  private readonly agents: AgentTokens;
  private readonly adminDigest: Buffer | undefined;
  private readonly proxies = new BlockList();
  private readonly proxyHeader: string;

  constructor(
    private readonly settings: AuthSettings,
    private readonly now: () => number = Date.now,
  ) {
    this.agents = new AgentTokens({
      mode: settings.agentAuth ?? 'shared',
      secret: settings.agentToken,
      nodeTokens: settings.agentNodeTokens,
    });
    this.adminDigest = settings.adminToken === undefined ? undefined : digest(settings.adminToken);
    for (const entry of settings.trustedProxy.addresses) addProxy(this.proxies, entry);
    this.proxyHeader = settings.trustedProxy.header.toLowerCase();
  }

  /** True when node reports need an agent token. */
  get agentTokenRequired(): boolean {
    return this.agents.required;
  }

  /**
   * Checks a node report's bearer token; always passes when no agent token is configured. With
   * per-node tokens the result names the node the token belongs to.
   */
  agent(req: AuthRequest): AgentAuth {
    return this.agents.check(req.headers);
  }

  /** Who reads: admin, a proven user, anonymous, or refused credentials. */
  reader(req: AuthRequest): ReaderAuth {
    const token = bearerToken(req.headers);
    if (token !== undefined) {
      if (this.adminDigest !== undefined && sameDigest(digest(token), this.adminDigest)) return { kind: 'admin' };
      return this.jwt(token);
    }
    const slurmToken = single(req.headers['x-slurm-user-token']);
    if (slurmToken !== undefined) return this.jwt(slurmToken);
    const proxied = single(req.headers[this.proxyHeader]);
    if (proxied !== undefined && proxied.trim() !== '' && this.trustedPeer(req.remoteAddress))
      return { kind: 'user', user: proxied.trim(), via: 'proxy' };
    return { kind: 'anonymous' };
  }

  private jwt(token: string): ReaderAuth {
    if (this.settings.jwtKey === undefined)
      return { kind: 'rejected', reason: 'token is not the admin token and no auth.jwtKeyFile is configured' };
    const check = verifySlurmJwt(token, this.settings.jwtKey, this.now());
    return check.ok ? { kind: 'user', user: check.user, via: 'jwt' } : { kind: 'rejected', reason: check.reason };
  }

  private trustedPeer(address: string | undefined): boolean {
    if (address === undefined) return false;
    const plain = address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
    const family = isIP(plain);
    if (family === 0) return false;
    return this.proxies.check(plain, family === 4 ? 'ipv4' : 'ipv6');
  }
}

/** True when `principal` may read a report owned by `user`: admins always, users their own. */
export function mayRead(principal: Principal, user: string): boolean {
  return principal.kind === 'admin' || (principal.kind === 'user' && principal.user === user);
}

function addProxy(list: BlockList, entry: string): void {
  const [address = '', prefix] = entry.split('/');
  const family = isIP(address);
  if (family === 0) throw new Error(`trusted proxy "${entry}" is not an IP address or CIDR block`);
  const type = family === 4 ? 'ipv4' : 'ipv6';
  if (prefix === undefined) list.addAddress(address, type);
  else list.addSubnet(address, Number(prefix), type);
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

// Comparing fixed-length digests keeps the comparison constant-time whatever the token lengths.
function digest(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

function sameDigest(a: Buffer, b: Buffer): boolean {
  return timingSafeEqual(a, b);
}
