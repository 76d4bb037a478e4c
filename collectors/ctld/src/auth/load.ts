import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isIP } from 'node:net';
import { ConfigError, readSecret, type CtldConfig } from '@slurmscope/common';
import type { AuthSettings } from './authenticator.js';

/**
 * Reads the API's secrets named by `auth` in ctld's config: the agent and admin tokens (files,
 * else SLURMSCOPE_AGENT_TOKEN / SLURMSCOPE_ADMIN_TOKEN) and Slurm's JWT key. Throws ConfigError
 * naming the key of a file that cannot be used.
 */
export function loadAuthSettings(config: CtldConfig, env: NodeJS.ProcessEnv = process.env): AuthSettings {
  const { auth } = config;
  for (const [i, entry] of auth.trustedProxy.addresses.entries()) {
    if (isIP(entry.split('/')[0] ?? '') === 0)
      throw new ConfigError(
        '(config)',
        `auth.trustedProxy.addresses.${i}`,
        `"${entry}" is not an IP address or CIDR block`,
      );
  }
  const agentToken = readSecret({
    file: auth.agentTokenFile,
    envVar: 'SLURMSCOPE_AGENT_TOKEN',
    env,
    key: 'auth.agentTokenFile',
  });
  if (auth.agentAuth === 'hmac' && agentToken === undefined)
    throw new ConfigError(
      '(config)',
      'auth.agentAuth',
      "hmac derives each node's token from the shared secret: set auth.agentTokenFile (or SLURMSCOPE_AGENT_TOKEN)",
    );
  if (auth.agentAuth === 'files' && auth.agentTokenDir === undefined)
    throw new ConfigError('(config)', 'auth.agentAuth', 'files reads one token per node: set auth.agentTokenDir');
  return {
    agentToken: auth.agentAuth === 'files' ? undefined : agentToken,
    agentAuth: auth.agentAuth,
    agentNodeTokens:
      auth.agentAuth === 'files' && auth.agentTokenDir !== undefined ? readNodeTokens(auth.agentTokenDir) : undefined,
    adminToken: readSecret({
      file: auth.adminTokenFile,
      envVar: 'SLURMSCOPE_ADMIN_TOKEN',
      env,
      key: 'auth.adminTokenFile',
    }),
    jwtKey: auth.jwtKeyFile === undefined ? undefined : readJwtKey(auth.jwtKeyFile),
    trustedProxy: auth.trustedProxy,
  };
}

/**
 * Reads Slurm's jwt_hs256.key as raw bytes (Slurm uses the file's bytes as they are, so it is
 * not trimmed). Like every secret, a key readable by group or others is refused: it forges any user.
 */
export function readJwtKey(file: string): Buffer {
  let key: Buffer;
  try {
    const mode = statSync(file).mode;
    if ((mode & 0o077) !== 0)
      throw new ConfigError(
        file,
        'auth.jwtKeyFile',
        `key is accessible by group/others (mode ${(mode & 0o777).toString(8)}); chmod 600 it`,
      );
    key = readFileSync(file);
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError(
      file,
      'auth.jwtKeyFile',
      `cannot read the JWT key (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  if (key.length === 0) throw new ConfigError(file, 'auth.jwtKeyFile', 'the JWT key file is empty');
  return key;
}

/**
 * Reads the per-node agent tokens of `auth.agentTokenDir`: one file per node, named by the node
 * (Slurm's NodeName), holding its token; mode 0600 like every secret. Dot files are skipped.
 * ConfigError when the directory cannot be read, holds no token, or a file is unusable.
 */
export function readNodeTokens(dir: string): Map<string, string> {
  let names: string[];
  try {
    names = readdirSync(dir, { withFileTypes: true })
      .filter((e) => !e.name.startsWith('.') && !e.isDirectory())
      .map((e) => e.name);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new ConfigError(dir, 'auth.agentTokenDir', `cannot read the token directory (${code})`);
  }
  const tokens = new Map<string, string>();
  for (const node of names) {
    const token = readSecret({ file: join(dir, node), envVar: '', env: {}, key: 'auth.agentTokenDir' });
    if (token !== undefined) tokens.set(node, token);
  }
  if (tokens.size === 0)
    throw new ConfigError(dir, 'auth.agentTokenDir', 'no token files (one per node, named by node)');
  return tokens;
}
