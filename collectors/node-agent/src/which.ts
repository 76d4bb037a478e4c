import { accessSync, constants } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';

/** Resolves a command name on PATH (or checks an explicit path); undefined when not executable. */
export function findExecutable(command: string, path = process.env.PATH ?? ''): string | undefined {
  const candidates =
    command.includes('/') || isAbsolute(command)
      ? [command]
      : path
          .split(delimiter)
          .filter(Boolean)
          .map((dir) => join(dir, command));
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not here or not executable: try the next PATH entry.
    }
  }
  return undefined;
}
