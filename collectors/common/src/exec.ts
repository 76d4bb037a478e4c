import { spawn } from 'node:child_process';

/** What a finished command printed. */
export interface CommandResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** Why a command failed: `kind` tells timeouts and oversized output from plain failures. */
export class CommandError extends Error {
  override readonly name = 'CommandError';
  constructor(
    readonly command: string,
    readonly kind: 'timeout' | 'too-large' | 'exit' | 'spawn',
    detail: string,
  ) {
    super(`${command}: ${detail}`);
  }
}

/** Limits of one external command. */
export interface RunOptions {
  readonly timeoutMs: number;
  /** Largest stdout accepted; the command is killed beyond it. */
  readonly maxBytes?: number;
  readonly env?: NodeJS.ProcessEnv;
  readonly input?: string;
}

/**
 * Runs an external command (no shell) with a timeout and bounded output; a hung or chatty tool
 * is killed (SIGKILL) and reported as a CommandError, never left to stall the caller.
 * A non-zero exit is an error carrying the first line of stderr.
 */
export function runCommand(file: string, args: readonly string[], opts: RunOptions): Promise<CommandResult> {
  const maxBytes = opts.maxBytes ?? 64 * 1024 * 1024;
  const label = [file, ...args].join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env: opts.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outBytes = 0;
    let failure: CommandError | undefined;
    const kill = (e: CommandError): void => {
      failure ??= e;
      child.kill('SIGKILL');
    };
    const timer = setTimeout(
      () => kill(new CommandError(label, 'timeout', `no answer within ${opts.timeoutMs} ms`)),
      opts.timeoutMs,
    );
    child.stdout.on('data', (chunk: Buffer) => {
      outBytes += chunk.length;
      if (outBytes > maxBytes) kill(new CommandError(label, 'too-large', `output exceeds ${maxBytes} bytes`));
      else out.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (err.length < 64) err.push(chunk);
    });
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new CommandError(label, 'spawn', e.message));
    });
    child.stdin.on('error', () => {
      // The tool may exit without reading its input; its exit status tells what happened.
    });
    child.stdin.end(opts.input ?? '');
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = Buffer.concat(err).toString('utf8');
      if (failure) return reject(failure);
      if (code !== 0) {
        const why = stderr.trim().split('\n')[0] || (signal ? `killed by ${signal}` : `exit code ${code}`);
        return reject(new CommandError(label, 'exit', `exit ${code ?? signal}: ${why}`));
      }
      resolve({ stdout, stderr, code, signal });
    });
  });
}
