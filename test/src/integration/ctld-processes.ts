// Helpers of the ctld integration tests (beside test/src/lib): sdiag's RPC counters, the CLI
// started under another uid with its stderr kept, pino log lines.
import { spawn, type ChildProcess } from 'node:child_process';
import { CLI, waitFor } from '../lib/index.js';

/** slurmctld's RPC counters (sdiag text): per message type and per user id. */
export interface RpcCounts {
  readonly byType: Record<string, number>;
  readonly byUid: Record<string, number>;
}

/**
 * Parses the two RPC sections of `sdiag`'s text output: "Remote Procedure Call statistics by
 * message type" (`REQUEST_JOB_INFO  ( 2003) count:7 ...`) and "... by user" (`root ( 0) count:42`).
 */
export function parseSdiagRpcs(text: string): RpcCounts {
  const byType: Record<string, number> = {};
  const byUid: Record<string, number> = {};
  let section: 'type' | 'user' | undefined;
  for (const line of text.split('\n')) {
    if (line.startsWith('Remote Procedure Call statistics by message type')) section = 'type';
    else if (line.startsWith('Remote Procedure Call statistics by user')) section = 'user';
    else if (!/^\s/.test(line) || line.trim() === '') section = undefined;
    else if (section !== undefined) {
      const m = /^\s+(\S+)\s+\(\s*(\d+)\)\s+count:(\d+)/.exec(line);
      if (!m) throw new Error(`sdiag: unexpected RPC line ${JSON.stringify(line)}`);
      if (section === 'type') byType[m[1]!] = Number(m[3]);
      else byUid[m[2]!] = Number(m[3]);
    }
  }
  if (Object.keys(byType).length === 0) throw new Error('sdiag: no RPC statistics by message type');
  return { byType, byUid };
}

/** A started CLI process with its collected stderr (pino JSON lines). */
export interface CliProcess {
  readonly child: ChildProcess;
  stderr(): string;
  /** SIGTERM, then waits for the exit (SIGKILL after `timeoutMs`); resolves with the exit code. */
  stop(timeoutMs?: number): Promise<number | null>;
}

/** Starts `node collectors/cli/dist/main.js <args>`, optionally as another uid (lib's startDaemon cannot). */
export function startCli(
  args: readonly string[],
  opts: { env: NodeJS.ProcessEnv; uid?: number; gid?: number },
): CliProcess {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: opts.env,
    stdio: ['ignore', 'ignore', 'pipe'],
    ...(opts.uid === undefined ? {} : { uid: opts.uid, gid: opts.gid ?? opts.uid }),
  });
  let err = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (c: string) => (err += c));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    stderr: () => err,
    async stop(timeoutMs = 20_000) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** Waits until `url` answers 200 (the daemon is up and, for ctld's API, has a snapshot). */
export async function waitForOk(
  url: string,
  daemon: { readonly child: ChildProcess; stderr?(): string },
  timeoutMs = 30_000,
): Promise<void> {
  await waitFor(
    async () => {
      if (daemon.child.exitCode !== null)
        throw new Error(`exited ${daemon.child.exitCode}: ${daemon.stderr?.().slice(-2000) ?? ''}`);
      const res = await fetch(url);
      await res.arrayBuffer();
      return res.status === 200;
    },
    { timeoutMs, intervalMs: 200, what: `${url} to answer 200` },
  );
}

/** The first pino line of `stderr` whose msg is `msg`, parsed. */
export function logLine(stderr: string, msg: string): Record<string, unknown> | undefined {
  for (const line of stderr.split('\n')) {
    if (!line.startsWith('{')) continue;
    const rec = JSON.parse(line) as Record<string, unknown>;
    if (rec.msg === msg) return rec;
  }
  return undefined;
}
