import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Exposition, Logger } from '@slurmscope/model';

/**
 * An extra route: handles the request and returns true, or returns false to let the next
 * handler (and finally the built-in /metrics, / and 404) have it. Runs for every method.
 */
export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => boolean | Promise<boolean>;

export type { Exposition } from '@slurmscope/model';

/** Options of a {@link MetricsServer}. */
export interface MetricsServerOptions {
  /** "host:port" to bind; host may be empty (all addresses) or an IPv6 address in brackets; port 0 = any free port. */
  readonly listen: string;
  readonly exporter: Exposition;
  readonly log: Logger;
  /** First line of the index page, e.g. "slurmscope agent on node12". */
  readonly title?: string;
  /** Serve HTTPS with this PEM certificate and key (ctld beyond loopback); plain HTTP when absent. */
  readonly tls?: { readonly cert: string | Buffer; readonly key: string | Buffer };
}

/** A host and port to bind or that was bound. */
export interface HostPort {
  readonly host: string;
  readonly port: number;
}

const LISTEN_RE = /^(?:\[([0-9a-fA-F:.]+)\]|([^\s:[\]]*)):(\d{1,5})$/;

/** Parses "host:port" ("127.0.0.1:9817", ":9817", "[::1]:9817"); throws on anything else. */
export function parseListenAddress(text: string): HostPort {
  const match = LISTEN_RE.exec(text);
  const port = Number(match?.[3]);
  if (!match || port > 65535) throw new Error(`listen address "${text}" is not "host:port" (e.g. "127.0.0.1:9817")`);
  return { host: match[1] ?? match[2] ?? '', port };
}

/**
 * The HTTP server of a daemon: GET /metrics (the exposition), GET / (an index), extra routes
 * mounted with `use()` (ctld's JSON API), 405 for other methods on the built-in paths, 404 else.
 */
export class MetricsServer {
  private readonly handlers: RouteHandler[] = [];
  private readonly indexLines: string[] = ['/metrics  Prometheus text exposition'];
  private server: Server | TlsServer | undefined;
  private bound: HostPort | undefined;

  constructor(private readonly options: MetricsServerOptions) {
    parseListenAddress(options.listen);
  }

  /** Mounts a route handler, tried in mounting order before the built-in routes; `index` adds a line to the / page. */
  use(handler: RouteHandler, index?: string): void {
    this.handlers.push(handler);
    if (index !== undefined) this.indexLines.push(index);
  }

  /** The address actually bound (the real port when 0 was asked), once started. */
  get address(): HostPort | undefined {
    return this.bound;
  }

  /** Starts listening; rejects with a message naming the address when it cannot (EADDRINUSE, EACCES). */
  async start(): Promise<HostPort> {
    if (this.server) throw new Error('MetricsServer: already started');
    const { host, port } = parseListenAddress(this.options.listen);
    const onRequest = (req: IncomingMessage, res: ServerResponse): void => void this.handle(req, res);
    const tls = this.options.tls;
    const server = tls ? createTlsServer({ cert: tls.cert, key: tls.key }, onRequest) : createServer(onRequest);
    await new Promise<void>((resolve, reject) => {
      const onError = (err: NodeJS.ErrnoException): void => {
        const why = err.code === 'EADDRINUSE' ? 'address already in use' : err.message;
        reject(new Error(`cannot listen on ${this.options.listen}: ${why}`, { cause: err }));
      };
      server.once('error', onError);
      server.listen({ host: host === '' ? undefined : host, port }, () => {
        server.off('error', onError);
        resolve();
      });
    });
    server.on('error', (err) => this.options.log.error({ err: err.message }, 'metrics server error'));
    const info = server.address() as AddressInfo;
    this.server = server;
    this.bound = { host: info.address, port: info.port };
    this.options.log.info(
      { address: this.options.listen, port: info.port, tls: tls !== undefined },
      'metrics server listening',
    );
    return this.bound;
  }

  /** Stops listening and closes open connections; resolves when the server is closed. */
  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const closed = new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    server.closeAllConnections();
    await closed;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      for (const handler of this.handlers) {
        if (await handler(req, res)) return;
      }
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      if (path !== '/metrics' && path !== '/') return send(res, 404, 'not found\n');
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.setHeader('Allow', 'GET, HEAD');
        return send(res, 405, 'method not allowed\n');
      }
      if (path === '/') return send(res, 200, this.index());
      const text = await this.options.exporter.metrics();
      send(res, 200, text, this.options.exporter.contentType);
    } catch (err) {
      this.options.log.error({ url: req.url, err: (err as Error).message }, 'request failed');
      if (!res.headersSent) send(res, 500, `internal error: ${(err as Error).message}\n`);
      else res.destroy();
    }
  }

  private index(): string {
    const title = this.options.title ?? 'slurmscope';
    return `${title}\n\n${this.indexLines.join('\n')}\n`;
  }
}

function send(res: ServerResponse, status: number, body: string, contentType = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}
