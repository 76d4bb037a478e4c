/** A configuration file or value that cannot be used. The CLI prints `message` and exits 2. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    /** The file the bad value came from, or "(defaults)" / "(command line)". */
    readonly file: string,
    /** Dotted path of the offending key, empty when the whole file is bad. */
    readonly key: string,
    readonly reason: string,
  ) {
    super(`${file}: ${key ? `key "${key}": ` : ''}${reason}`);
  }
}

/** Input read from a file or tool that does not have the expected shape. */
export class ParseError extends Error {
  override readonly name = 'ParseError';
  constructor(
    /** Where the input came from: a path or a command. */
    readonly source: string,
    readonly reason: string,
    /** The offending line or fragment, shortened. */
    readonly excerpt?: string,
  ) {
    super(`${source}: ${reason}${excerpt === undefined ? '' : `: ${JSON.stringify(excerpt.slice(0, 120))}`}`);
  }
}

/** Returns the message of any thrown value, for log lines. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** True for the errno codes of a file or directory that vanished (a job that ended while being read). */
export function isNotFound(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'ESRCH';
}
