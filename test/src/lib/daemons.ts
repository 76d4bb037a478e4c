import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The built CLI, `collectors/cli/dist/main.js`. */
export const CLI = fileURLToPath(new URL('../../../collectors/cli/dist/main.js', import.meta.url));

/** A slurmscope daemon started by a test. */
export interface Daemon {
  readonly child: ChildProcess;
  /** Where its stderr (the JSON log) goes. */
  readonly logFile: string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code (null when killed). */
  stop(graceMs?: number): Promise<number | null>;
}

/** Starts `slurmscope <args>` with its log in `logDir/<name>.log`. */
export function startDaemon(
  args: readonly string[],
  opts: { name: string; logDir: string; env?: NodeJS.ProcessEnv },
): Daemon {
  mkdirSync(opts.logDir, { recursive: true });
  const logFile = join(opts.logDir, `${opts.name}.log`);
  const log = createWriteStream(logFile, { flags: 'a' });
  const child = spawn(process.execPath, [CLI, ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: opts.env ?? process.env,
  });
  child.stderr!.pipe(log);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    logFile,
    async stop(graceMs = 10_000) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        const code = await exited;
        clearTimeout(timer);
        return code;
      }
      return exited;
    },
  };
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** The value of one series in a Prometheus text exposition, or undefined. */
export function metricValue(
  text: string,
  name: string,
  labels: Readonly<Record<string, string>> = {},
): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const open = line.indexOf('{');
    const close = line.lastIndexOf('}');
    const labelText = open >= 0 && open < close ? line.slice(open + 1, close) : '';
    const have = Object.fromEntries([...labelText.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1]!, m[2]!]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v))
      return Number(
        line
          .slice((close >= 0 ? close : line.indexOf(' ')) + 1)
          .trim()
          .split(' ')[0],
      );
  }
  return undefined;
}

/** GETs a URL's body as text (throws on a non-2xx status). */
export async function fetchText(url: string, init?: RequestInit): Promise<string> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
  const body = await res.text();
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}: ${body.slice(0, 200)}`);
  return body;
}

/** Runs a PromQL instant query against a Prometheus-compatible API; returns the result vector. */
export async function promQuery(
  baseUrl: string,
  query: string,
): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>> {
  const body = JSON.parse(await fetchText(`${baseUrl}/api/v1/query?query=${encodeURIComponent(query)}`)) as {
    status: string;
    data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> };
  };
  if (body.status !== 'success') throw new Error(`PromQL ${query}: ${JSON.stringify(body).slice(0, 200)}`);
  return body.data.result;
}
