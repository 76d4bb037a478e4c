import { chmod, lstat, mkdir, stat, unlink } from 'node:fs/promises';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { dirname } from 'node:path';
import { errorMessage, isNotFound } from '@slurmscope/common';
import type { Logger } from '@slurmscope/model';
import { LineBuffer } from './lines.js';
import { encodeLine, parseHookMessage, type HookMessage, type HookReply } from './protocol.js';

/** What the agent does for a hook (the Throttler's prolog and epilog). Throwing answers `ok:false`. */
export interface HookHandler {
  prolog(msg: { jobid: string; cpus?: number[] }): unknown;
  epilog(msg: { jobid: string }): unknown;
}

/** Options of the hook server. */
export interface HookServerOptions {
  /** The socket's path (config `throttle.socket`); its directory is created with mode 0700. */
  readonly socketPath: string;
  readonly handler: HookHandler;
  readonly log: Logger;
  /** A connection idle this long is closed; default 5 s. */
  readonly idleTimeoutMs?: number;
}

/** A listening hook server. */
export interface HookServer {
  readonly path: string;
  /** Stops listening, drops open connections and removes the socket file. */
  close(): Promise<void>;
}

/**
 * Listens on a local socket for the hooks. Root-only: the directory is made 0700 when created
 * here (an existing group- or world-writable one is reported) and the socket is chmod 0600 at
 * once. A stale socket left by a crash is replaced; a live one (another agent) is an error.
 */
export async function startHookServer(opts: HookServerOptions): Promise<HookServer> {
  await prepareDirectory(opts.socketPath, opts.log);
  await removeStale(opts.socketPath);
  const sockets = new Set<Socket>();
  const server = createServer((conn) => {
    sockets.add(conn);
    conn.on('close', () => sockets.delete(conn));
    serve(conn, opts);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.socketPath, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (err) => opts.log.error({ err: errorMessage(err), socket: opts.socketPath }, 'hook server error'));
  try {
    await chmod(opts.socketPath, 0o600);
  } catch (err) {
    await closeServer(server, sockets, opts.socketPath);
    throw err;
  }
  opts.log.info({ socket: opts.socketPath }, 'hook server listening');
  return { path: opts.socketPath, close: () => closeServer(server, sockets, opts.socketPath) };
}

async function prepareDirectory(socketPath: string, log: Logger): Promise<void> {
  const dir = dirname(socketPath);
  const created = await mkdir(dir, { recursive: true, mode: 0o700 });
  if (created !== undefined) {
    await chmod(dir, 0o700);
    return;
  }
  const mode = (await stat(dir)).mode & 0o777;
  if ((mode & 0o022) !== 0) {
    log.warn({ dir, mode: mode.toString(8) }, 'hook socket directory is writable by others; use a root-only directory');
  }
}

async function removeStale(path: string): Promise<void> {
  let st;
  try {
    st = await lstat(path);
  } catch (err) {
    if (isNotFound(err)) return;
    throw err;
  }
  if (!st.isSocket()) throw new Error(`${path} exists and is not a socket; not replacing it`);
  const live = await new Promise<boolean>((resolve) => {
    const c = createConnection(path);
    c.once('connect', () => {
      c.destroy();
      resolve(true);
    });
    c.once('error', () => resolve(false));
  });
  if (live) throw new Error(`${path}: another process is listening (a second agent?)`);
  await unlink(path);
}

function serve(conn: Socket, opts: HookServerOptions): void {
  const lines = new LineBuffer();
  let queue = Promise.resolve();
  conn.setEncoding('utf8');
  conn.setTimeout(opts.idleTimeoutMs ?? 5000, () => conn.destroy());
  conn.on('error', (err) => opts.log.debug({ err: errorMessage(err) }, 'hook connection error'));
  conn.on('data', (chunk: string) => {
    const got = lines.push(chunk);
    if (got === 'overflow') {
      conn.end(encodeLine({ ok: false, error: 'request line too long' }));
      return;
    }
    for (const line of got) queue = queue.then(() => answer(conn, line, opts));
  });
}

async function answer(conn: Socket, line: string, opts: HookServerOptions): Promise<void> {
  let reply: HookReply;
  let msg: HookMessage | undefined;
  try {
    msg = parseHookMessage(line, 'hook socket');
    if (msg.op === 'prolog')
      await opts.handler.prolog(msg.cpus === undefined ? { jobid: msg.jobid } : { jobid: msg.jobid, cpus: msg.cpus });
    else await opts.handler.epilog({ jobid: msg.jobid });
    reply = { ok: true };
  } catch (err) {
    opts.log.error({ op: msg?.op, jobid: msg?.jobid, err: errorMessage(err) }, 'hook request failed');
    reply = { ok: false, error: errorMessage(err) };
  }
  if (!conn.destroyed) conn.write(encodeLine(reply));
}

async function closeServer(server: Server, sockets: Set<Socket>, path: string): Promise<void> {
  for (const s of sockets) s.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  try {
    await unlink(path);
  } catch (err) {
    // Node removes the socket file on close; ENOENT here is the normal case.
    if (!isNotFound(err)) throw err;
  }
}
