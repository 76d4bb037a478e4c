// Helpers of the ctld integration tests (beside test/src/lib): sdiag's RPC counters, the CLI
// started under another uid with its stderr kept, agents beside a test's ctld, pino log lines.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { CLI, fetchText, freePort, metricValue, waitFor } from '../lib/index.js';

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

/** The built CLI as some uid can run it; `remove` deletes the copy, if one was made. */
export interface ReadableCli {
  /** Path of `main.js`. */
  readonly main: string;
  /** Where to run it from (a directory `uid` can enter). */
  readonly cwd: string;
  remove(): void;
}

/**
 * The built CLI where `uid` can read it. The checkout's own when `uid` can (a clone under
 * /work or /home); else, as in a clone under /root (mode 0700), a copy under a world-readable
 * temp dir: the root package.json and node_modules, and each workspace's package.json, dist and
 * node_modules, with the same layout (node_modules/@slurmscope/* are relative links).
 */
export function cliReadableBy(uid: number): ReadableCli {
  const probe = spawnSync(process.execPath, ['-e', 'require("fs").accessSync(process.argv[1], 4)', CLI], {
    uid,
    gid: uid,
    cwd: '/',
    stdio: 'ignore',
    timeout: 20_000,
  });
  if (probe.status === 0) return { main: CLI, cwd: '/', remove: () => {} };
  const root = join(dirname(CLI), '../../..');
  const dir = mkdtempSync(join(tmpdir(), 'slurmscope-cli-'));
  chmodSync(dir, 0o755);
  const parts = ['package.json', 'node_modules'];
  for (const group of ['collectors', 'exporters'])
    for (const ws of readdirSync(join(root, group)))
      for (const part of ['package.json', 'dist', 'node_modules'])
        if (existsSync(join(root, group, ws, part))) parts.push(join(group, ws, part));
  // cp -a keeps the workspace links and the files' modes (readable by all, as npm and tsc write them).
  const cp = spawnSync('cp', ['-a', '--parents', ...parts, dir], { cwd: root, encoding: 'utf8', timeout: 120_000 });
  if (cp.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`copying the CLI for uid ${uid} failed: ${cp.stderr || cp.error?.message}`);
  }
  return {
    main: join(dir, relative(root, CLI)),
    cwd: dir,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * Starts `node collectors/cli/dist/main.js <args>`, optionally as another uid (lib's startDaemon
 * cannot); then from a copy that uid can read when the checkout is closed to it (see cliReadableBy).
 */
export function startCli(
  args: readonly string[],
  opts: { env: NodeJS.ProcessEnv; uid?: number; gid?: number },
): CliProcess {
  const cli = opts.uid === undefined ? undefined : cliReadableBy(opts.uid);
  const child = spawn(process.execPath, [cli?.main ?? CLI, ...args], {
    env: opts.env,
    stdio: ['ignore', 'ignore', 'pipe'],
    ...(opts.uid === undefined ? {} : { uid: opts.uid, gid: opts.gid ?? opts.uid }),
    ...(cli === undefined ? {} : { cwd: cli.cwd }),
  });
  child.once('exit', () => cli?.remove());
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

/** What {@link startAgents} needs: where to write, the stack's slurmd spool, ctld and its agent token. */
export interface AgentsSetup {
  readonly dir: string;
  readonly nodes: readonly string[];
  readonly ctldUrl: string;
  readonly tokenFile: string;
  readonly intervalMs: number;
  /** slurmd's spool with `%n` for the node (the stack's `paths.slurmdSpool`). */
  readonly slurmdSpool: string;
  readonly env: NodeJS.ProcessEnv;
}

/**
 * Writes an agent config per node (its own state, socket and free /metrics port; GPUs off) and
 * starts `slurmscope agent` on each; returns the processes and each node's /metrics port.
 */
export async function startAgents(s: AgentsSetup): Promise<{ procs: CliProcess[]; ports: Record<string, number> }> {
  const procs: CliProcess[] = [];
  const ports: Record<string, number> = {};
  for (const node of s.nodes) {
    ports[node] = await freePort();
    const cfg = join(s.dir, `agent-${node}.yaml`);
    writeFileSync(
      cfg,
      JSON.stringify({
        interval: `${s.intervalMs}ms`,
        node,
        root: '/',
        stateDir: join(s.dir, `state-${node}`),
        prometheus: { listen: `127.0.0.1:${ports[node]}` },
        ctld: { url: s.ctldUrl, tokenFile: s.tokenFile },
        gpu: { mode: 'off' },
        slurm: { spoolDir: s.slurmdSpool.replace('%n', node) },
        throttle: { socket: join(s.dir, `run-${node}`, 'agent.sock') },
      }),
    );
    procs.push(startCli(['agent', '--config', cfg], { env: s.env }));
  }
  return { procs, ports };
}

/** Waits until ctld counts at least `n` nodes reporting (its `slurmscope_ctld_nodes_reporting`). */
export async function waitNodesReporting(ctldUrl: string, n: number, timeoutMs = 20_000): Promise<void> {
  await waitFor(
    async () => (metricValue(await fetchText(`${ctldUrl}/metrics`), 'slurmscope_ctld_nodes_reporting') ?? 0) >= n,
    { timeoutMs, what: `${n} agents reporting to ctld` },
  );
}
