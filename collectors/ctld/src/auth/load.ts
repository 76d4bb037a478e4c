import { readFileSync, statSync } from 'node:fs';
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
  return {
    agentToken: readSecret({
      file: auth.agentTokenFile,
      envVar: 'SLURMSCOPE_AGENT_TOKEN',
      env,
      key: 'auth.agentTokenFile',
    }),
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
