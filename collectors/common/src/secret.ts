import { readFileSync, statSync } from 'node:fs';
import { ConfigError } from './errors.js';

/**
 * Reads a secret (token, password) from a file, else from an environment variable, else
 * returns undefined. The value is trimmed; an empty file is an error. Secrets never come from
 * argv. A file readable by others than its owner is refused, as ssh does.
 */
export function readSecret(opts: {
  file?: string | undefined;
  envVar: string;
  env?: NodeJS.ProcessEnv;
  /** The config key that named the file, for the error message. */
  key: string;
}): string | undefined {
  if (opts.file !== undefined) {
    let text: string;
    try {
      const mode = statSync(opts.file).mode;
      if ((mode & 0o077) !== 0) {
        throw new ConfigError(
          opts.file,
          opts.key,
          `secret file is accessible by group/others (mode ${(mode & 0o777).toString(8)}); chmod 600 it`,
        );
      }
      text = readFileSync(opts.file, 'utf8').trim();
    } catch (err) {
      if (err instanceof ConfigError) throw err;
      throw new ConfigError(
        opts.file,
        opts.key,
        `cannot read secret file (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
      );
    }
    if (!text) throw new ConfigError(opts.file, opts.key, 'secret file is empty');
    return text;
  }
  const value = (opts.env ?? process.env)[opts.envVar];
  return value ? value.trim() : undefined;
}
