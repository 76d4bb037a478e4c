import { createConnection } from 'node:net';
import { LineBuffer } from './lines.js';
import { encodeLine, parseHookReply, type HookMessage, type HookReply } from './protocol.js';

/** The agent could not be asked: no socket (ENOENT), nobody listening (ECONNREFUSED), or no answer in time (ETIMEDOUT). */
export class HookUnreachableError extends Error {
  override readonly name = 'HookUnreachableError';
  constructor(
    readonly socketPath: string,
    readonly code: string,
  ) {
    super(`agent socket ${socketPath}: ${code === 'ETIMEDOUT' ? 'no answer in time' : code}`);
  }
}

/**
 * Sends one request to the agent and waits for its reply, at most `timeoutMs` in all. Rejects
 * with HookUnreachableError when the agent cannot be asked, ParseError on a garbled reply.
 */
export function sendHook(socketPath: string, msg: HookMessage, timeoutMs: number): Promise<HookReply> {
  return new Promise<HookReply>((resolve, reject) => {
    const conn = createConnection(socketPath);
    const lines = new LineBuffer();
    let settled = false;
    const finish = (err: Error | undefined, reply?: HookReply): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      conn.destroy();
      if (err) reject(err);
      else resolve(reply as HookReply);
    };
    const timer = setTimeout(() => finish(new HookUnreachableError(socketPath, 'ETIMEDOUT')), timeoutMs);
    conn.setEncoding('utf8');
    conn.on('connect', () => conn.write(encodeLine(msg)));
    conn.on('error', (err: NodeJS.ErrnoException) =>
      finish(new HookUnreachableError(socketPath, err.code ?? err.message)),
    );
    conn.on('close', () => finish(new HookUnreachableError(socketPath, 'ECONNRESET')));
    conn.on('data', (chunk: string) => {
      const got = lines.push(chunk);
      if (got === 'overflow') return finish(new HookUnreachableError(socketPath, 'reply too long'));
      const first = got[0];
      if (first === undefined) return;
      try {
        finish(undefined, parseHookReply(first, socketPath));
      } catch (err) {
        finish(err as Error);
      }
    });
  });
}
