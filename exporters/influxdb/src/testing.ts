import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { waitUntil } from '@slurmscope/model';

/** What the fake store answers to one write: a status (with headers and body), or no answer at all. */
export type FakeAnswer = { status: number; headers?: Record<string, string>; body?: string; delayMs?: number } | 'hang';

/** One write request the fake store received. */
export interface FakeRequest {
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly lines: string[];
  readonly status: number | 'hang';
}

/** A small HTTP server standing in for InfluxDB's write endpoint in unit tests. */
export class FakeStore {
  readonly requests: FakeRequest[] = [];
  /** Lines of the requests answered 204, in arrival order. */
  readonly accepted: string[] = [];
  /** The answer to request number `index` (from 0), which carries `bytes` of body. */
  answer: (index: number, bytes: number) => FakeAnswer = () => ({ status: 204 });
  private server: Server | undefined;
  private readonly hanging = new Set<ServerResponse>();
  url = '';

  /** Starts on 127.0.0.1 (port 0 = any, or a fixed port to come back on after `stop`). */
  async start(port = 0): Promise<void> {
    const server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', resolve);
    });
    this.server = server;
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  /** The port listened on. */
  get port(): number {
    return Number(new URL(this.url).port);
  }

  /** Stops listening and drops every connection (the store "goes away"). */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    for (const res of this.hanging) res.destroy();
    this.hanging.clear();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const lines = body
        .toString('utf8')
        .split('\n')
        .filter((l) => l !== '');
      const answer = this.answer(this.requests.length, body.length);
      this.requests.push({
        url: req.url ?? '',
        headers: req.headers,
        lines,
        status: answer === 'hang' ? 'hang' : answer.status,
      });
      if (answer === 'hang') {
        this.hanging.add(res);
        return;
      }
      if (answer.status === 204) this.accepted.push(...lines);
      const reply = (): void => {
        res.writeHead(answer.status, answer.headers ?? {});
        res.end(answer.body);
      };
      if (answer.delayMs === undefined) reply();
      else setTimeout(reply, answer.delayMs);
    });
  }
}

/** Polls `cond` every 10 ms until it is true; rejects with `what` after `timeoutMs` (model's waitUntil). */
export async function waitFor(cond: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  await waitUntil(what, cond, { timeoutMs, intervalMs: 10 });
}
