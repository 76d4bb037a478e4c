import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { ConfigError, type CtldConfig } from '@slurmscope/common';
import { MetricsServer, parseListenAddress, type Exposition } from '@slurmscope/prometheus';
import type { ApiContext } from './context.js';
import { Router } from './router.js';
import { privateRoutes } from './routes-private.js';
import { publicRoutes } from './routes-public.js';
import { portalRoutes, type PortalOptions } from './routes-portal.js';
import { whoamiRoute } from './routes-whoami.js';
import type { WebPolicy } from './web-headers.js';

/** PEM certificate and key read from `api.tlsCertFile` / `api.tlsKeyFile`. */
export interface TlsFiles {
  readonly cert: Buffer;
  readonly key: Buffer;
}

/** True for a host that only this machine can reach: 127.0.0.0/8, ::1, localhost. Empty = every address. */
export function isLoopbackHost(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1' || host === '0:0:0:0:0:0:0:1';
}

/**
 * Checks `api` of the config and reads the TLS files. Both files or neither; listening beyond
 * loopback without TLS is refused (tokens and batch scripts would cross the network in clear).
 * Throws ConfigError naming the key.
 */
export function loadTls(config: CtldConfig): TlsFiles | undefined {
  const { listen, tlsCertFile, tlsKeyFile } = config.api;
  if ((tlsCertFile === undefined) !== (tlsKeyFile === undefined)) {
    const missing = tlsCertFile === undefined ? 'api.tlsCertFile' : 'api.tlsKeyFile';
    throw new ConfigError('(config)', missing, 'TLS needs both api.tlsCertFile and api.tlsKeyFile');
  }
  if (tlsCertFile === undefined || tlsKeyFile === undefined) {
    const { host } = parseListenAddress(listen);
    if (!isLoopbackHost(host))
      throw new ConfigError(
        '(config)',
        'api.listen',
        `"${listen}" listens beyond loopback without TLS: set api.tlsCertFile and api.tlsKeyFile, or listen on 127.0.0.1`,
      );
    return undefined;
  }
  return { cert: readPem(tlsCertFile, 'api.tlsCertFile'), key: readPem(tlsKeyFile, 'api.tlsKeyFile') };
}

function readPem(file: string, key: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new ConfigError(file, key, `cannot read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

/**
 * ctld's HTTP(S) server: the JSON API, the index page and the portal (when `portal` is given)
 * through the router, /metrics from `exposition`. Every route answers from memory; none calls Slurm.
 */
export function createApiServer(opts: {
  readonly listen: string;
  readonly tls: TlsFiles | undefined;
  readonly ctx: ApiContext;
  readonly exposition: Exposition;
  /** CORS origins and frame ancestors (`api.corsOrigins`, `portal.frameAncestors`); default none. */
  readonly web?: WebPolicy;
  /** GET /api/v1/co2's window without `?hours=` (portal.co2Window), ms; default 24 h. */
  readonly co2WindowMs?: number;
  /** The portal's assets and settings; absent: no /portal routes (portal.enabled false). */
  readonly portal?: PortalOptions;
}): MetricsServer {
  const server = new MetricsServer({
    listen: opts.listen,
    exporter: opts.exposition,
    log: opts.ctx.log,
    title: opts.ctx.title,
    ...(opts.tls === undefined ? {} : { tls: opts.tls }),
  });
  const co2 = opts.co2WindowMs ?? opts.portal?.co2WindowMs;
  const routes = [
    ...publicRoutes(opts.ctx, {
      ...(co2 === undefined ? {} : { co2WindowMs: co2 }),
      portal: opts.portal !== undefined,
    }),
    ...privateRoutes(opts.ctx),
    whoamiRoute(opts.ctx),
    ...(opts.portal === undefined ? [] : portalRoutes(opts.portal)),
  ];
  const router = new Router(routes, {
    log: opts.ctx.log,
    passThrough: ['/metrics'],
    ...(opts.web === undefined ? {} : { web: opts.web }),
  });
  server.use(router.handler());
  return server;
}
