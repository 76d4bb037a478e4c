import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, createWriteStream } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The checkout's alerts/ directory. */
export const ALERTS_DIR = fileURLToPath(new URL('../../../alerts/', import.meta.url));
/** The admin alert rules (Prometheus and vmalert). */
export const RULES_FILE = join(ALERTS_DIR, 'slurmscope.rules.yml');

/** The alert names issue 10 fixes (runbooks and Alertmanager routes refer to them). */
export const ALERT_NAMES = [
  'SlurmscopeAgentDown',
  'SlurmscopeSlurmSnapshotStale',
  'SlurmscopePointsDropped',
  'SlurmscopeSpoolBacklog',
  'SlurmscopePartitionDegraded',
  'SlurmscopeJobUneven',
  'SlurmscopeIdleGpus',
  'SlurmscopeThrottleErrors',
  'SlurmscopeCollectorErrors',
  'SlurmscopeMailsFailing',
] as const;

/** The rules of a rule file by alert name, each as its own text (from `- alert:` to the next). */
export function alertBlocks(text: string): Map<string, string> {
  const blocks = new Map<string, string>();
  for (const part of text.split(/^\s+- alert: /m).slice(1)) {
    const name = /^\S+/.exec(part)?.[0] ?? '';
    blocks.set(name, part);
  }
  return blocks;
}

/** What a test's copy of the rules changes: the group's name and labels added to every alert. */
export interface TestRulesOptions {
  readonly group: string;
  readonly labels: Readonly<Record<string, string>>;
}

/**
 * The rule text for a test that cannot wait minutes: every `for: <N>m` becomes `for: <N>s`, the
 * group is renamed (beside the real rules in the same Prometheus) and each alert gets `labels`
 * (e.g. one naming the test run, so that Alertmanager sees new alerts every run).
 */
export function testRules(text: string, opts: TestRulesOptions): string {
  const extra = Object.entries(opts.labels)
    .map(([k, v]) => `\n          ${k}: ${JSON.stringify(v)}`)
    .join('');
  const out = text
    .replace(/^(\s+for: )(\d+)m$/gm, '$1$2s')
    .replace(/^(\s+- name: )\S+$/m, `$1${opts.group}`)
    .replace(/^(\s+severity: \S+)$/gm, `$1${extra}`);
  if (/for: \d+[hm]$/m.test(out)) throw new Error('testRules: a for: duration was left unshortened');
  return out;
}

/** A tool's exit code (-1 when it was killed or could not start) and its stdout + stderr. */
export interface ToolResult {
  readonly code: number;
  readonly output: string;
}

/** Runs a command-line tool with a timeout and bounded output; never rejects. */
export function runTool(
  cmd: string,
  args: readonly string[],
  opts: { cwd?: string; timeoutMs?: number } = {},
): Promise<ToolResult> {
  return new Promise((resolve) => {
    execFile(
      cmd,
      [...args],
      { cwd: opts.cwd, timeout: opts.timeoutMs ?? 30_000, killSignal: 'SIGKILL', maxBuffer: 4 << 20 },
      (err, stdout, stderr) => {
        const code = err === null ? 0 : typeof err.code === 'number' ? err.code : -1;
        const why = err !== null && typeof err.code !== 'number' ? `\n${err.message}` : '';
        resolve({ code, output: `${stdout}${stderr}${why}` });
      },
    );
  });
}

/** The path of an executable on PATH, or undefined (for a test's `skip`). */
export function onPath(cmd: string): string | undefined {
  for (const dir of (process.env.PATH ?? '/usr/bin:/bin').split(delimiter)) {
    const path = join(dir, cmd);
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // not in this directory: try the next one
    }
  }
  return undefined;
}

/** A server a test started (Alertmanager, Prometheus), its output in a log file. */
export interface Server {
  readonly child: ChildProcess;
  /** SIGTERM, SIGKILL after 5 s; resolves once it exited. */
  stop(): Promise<void>;
}

/** Starts `cmd args` with stdout and stderr appended to `logFile`. */
export function startServer(cmd: string, args: readonly string[], logFile: string): Server {
  const log = createWriteStream(logFile, { flags: 'a' });
  const child = spawn(cmd, [...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', (err) => {
      log.write(`${cmd}: ${err.message}\n`);
      resolve();
    });
  });
  return {
    child,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}

/** An .eml file's text with quoted-printable soft line breaks and =XX escapes undone. */
export function decodeQuotedPrintable(text: string): string {
  return text
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}
