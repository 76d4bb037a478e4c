// The agents' bearer tokens. `shared`: one token for every node, so any node that holds it can
// speak for any other. `hmac` and `files`: one token per node, so a compromised node can only
// speak for itself; the agent names its node in the X-Slurmscope-Node header and ctld checks the
// token against that node before reading the body, then that the report names the same node.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** How agent tokens are checked (ctld's `auth.agentAuth`). */
export type AgentAuthMode = 'shared' | 'hmac' | 'files';

/** The header in which an agent names its node (required by the per-node modes). */
export const AGENT_NODE_HEADER = 'x-slurmscope-node';

/** The outcome of checking an agent's credentials; `node` is set in the per-node modes. */
export type AgentAuth = { readonly ok: true; readonly node?: string } | { readonly ok: false; readonly reason: string };

/** The agent secrets as loaded at start. */
export interface AgentTokenSettings {
  readonly mode: AgentAuthMode;
  /** The shared token (`shared`), or the HMAC key that derives each node's token (`hmac`). */
  readonly secret?: string | undefined;
  /** Each node's token (`files`). */
  readonly nodeTokens?: ReadonlyMap<string, string> | undefined;
}

/**
 * A node's token in `hmac` mode: HMAC-SHA256 of the node name keyed with the shared secret, in
 * lower-case hex. The same as
 * `printf %s NODE | openssl dgst -sha256 -hmac "$(cat agent.token)" | sed 's/^.*= //'`.
 */
export function deriveNodeToken(secret: string, node: string): string {
  return createHmac('sha256', secret).update(node).digest('hex');
}

/** Checks agents' bearer tokens in one of the three modes, comparing digests in constant time. */
export class AgentTokens {
  private readonly sharedDigest: Buffer | undefined;
  private readonly nodeDigests = new Map<string, Buffer>();

  constructor(private readonly settings: AgentTokenSettings) {
    this.sharedDigest =
      settings.mode === 'shared' && settings.secret !== undefined ? digest(settings.secret) : undefined;
    if (settings.mode === 'hmac' && settings.secret === undefined)
      throw new Error('agent tokens in hmac mode need the shared secret');
    if (settings.mode === 'files' && settings.nodeTokens === undefined)
      throw new Error('agent tokens in files mode need the token of each node');
    for (const [node, token] of settings.nodeTokens ?? []) this.nodeDigests.set(node, digest(token));
  }

  /** True when node reports need a token. */
  get required(): boolean {
    return this.settings.mode !== 'shared' || this.sharedDigest !== undefined;
  }

  /** Checks a request's bearer token (and, per node, the node it names). */
  check(headers: IncomingHttpHeaders): AgentAuth {
    if (!this.required) return { ok: true };
    const token = bearerToken(headers);
    if (token === undefined) return { ok: false, reason: 'missing bearer token' };
    if (this.sharedDigest !== undefined)
      return timingSafeEqual(digest(token), this.sharedDigest)
        ? { ok: true }
        : { ok: false, reason: 'wrong bearer token' };
    const header = headers[AGENT_NODE_HEADER];
    const node = Array.isArray(header) ? header[0] : header;
    if (node === undefined || node === '')
      return { ok: false, reason: `per-node agent tokens: the ${AGENT_NODE_HEADER} header is missing` };
    const expected = this.expected(node);
    // An unknown node is compared against a digest nothing matches, so it takes as long as a known one.
    const same = timingSafeEqual(digest(token), expected ?? NO_MATCH);
    return same && expected !== undefined
      ? { ok: true, node }
      : { ok: false, reason: 'wrong bearer token for this node' };
  }

  private expected(node: string): Buffer | undefined {
    if (this.settings.mode === 'hmac') return digest(deriveNodeToken(this.settings.secret ?? '', node));
    return this.nodeDigests.get(node);
  }
}

const NO_MATCH = Buffer.alloc(32);

/** The token of an `Authorization: Bearer <token>` header, if any. */
export function bearerToken(headers: IncomingHttpHeaders): string | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(headers.authorization ?? '');
  return m?.[1];
}

// Comparing fixed-length digests keeps the comparison constant-time whatever the token lengths.
function digest(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}
