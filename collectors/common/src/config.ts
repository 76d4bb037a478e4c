import { existsSync, readFileSync } from 'node:fs';
import { loadAll, YAMLException } from 'js-yaml';
import type { z } from 'zod/v3';
import { agentConfigSchema, type AgentConfig } from './agent-config.js';
import { ctldConfigSchema, type CtldConfig } from './ctld-config.js';
import { ConfigError, errorMessage } from './errors.js';

/** Which daemon's file: the agent's (agent, hooks) or ctld's (ctld, report). */
export type ConfigKind = 'agent' | 'ctld';

const SCHEMAS = { agent: agentConfigSchema, ctld: ctldConfigSchema } as const;
type ConfigOf<K extends ConfigKind> = K extends 'agent' ? AgentConfig : CtldConfig;

/** Where a configuration came from, for the first log line. */
export interface LoadedConfig<K extends ConfigKind> {
  readonly config: ConfigOf<K>;
  /** The file read, or "(defaults)". */
  readonly source: string;
}

/** Inputs of the config lookup; the environment is passed in so tests need no globals. */
export interface ConfigLookup {
  /** `--config FILE` from the command line. */
  readonly explicit?: string | undefined;
  readonly env?: NodeJS.ProcessEnv;
  /** Directory of the system-wide files; default /etc/slurmscope. */
  readonly etcDir?: string;
}

/**
 * Finds and validates a daemon's configuration: `--config FILE`, else `$SLURMSCOPE_CONFIG`,
 * else `/etc/slurmscope/<kind>.yaml` when it exists, else built-in defaults. A file named
 * explicitly (flag or environment) must exist. Throws ConfigError naming the file and key.
 */
export function loadConfig<K extends ConfigKind>(kind: K, lookup: ConfigLookup = {}): LoadedConfig<K> {
  const env = lookup.env ?? process.env;
  const explicit = lookup.explicit ?? (env.SLURMSCOPE_CONFIG || undefined);
  const system = `${lookup.etcDir ?? '/etc/slurmscope'}/${kind}.yaml`;
  const file = explicit ?? (existsSync(system) ? system : undefined);
  if (file === undefined) return { config: validate(kind, {}, '(defaults)'), source: '(defaults)' };
  return { config: validate(kind, readYaml(file), file), source: file };
}

/** Validates an already parsed object against a daemon's schema. */
export function validate<K extends ConfigKind>(kind: K, raw: unknown, file: string): ConfigOf<K> {
  const result = (SCHEMAS[kind] as z.ZodType).safeParse(raw ?? {});
  if (result.success) return result.data as ConfigOf<K>;
  const issue = result.error.issues[0]!;
  const more = result.error.issues.length > 1 ? ` (and ${result.error.issues.length - 1} more problem(s))` : '';
  if (issue.code === 'unrecognized_keys') {
    const key = [...issue.path, issue.keys[0]].join('.');
    throw new ConfigError(file, key, `unknown key${more}`);
  }
  throw new ConfigError(file, issue.path.join('.'), `${issue.message}${more}`);
}

function readYaml(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new ConfigError(file, '', `cannot read config file (${code})`);
  }
  let docs: unknown[];
  try {
    // loadAll, not load: a file of comments only (no document) means defaults. Duplicate keys throw.
    docs = loadAll(text);
  } catch (err) {
    // js-yaml documents that it may throw more than YAMLException (e.g. on nesting too deep).
    const mark = err instanceof YAMLException ? err.mark : undefined;
    const where = mark ? `line ${mark.line + 1}, column ${mark.column + 1}: ` : '';
    const reason = err instanceof YAMLException ? err.reason : errorMessage(err);
    throw new ConfigError(file, '', `invalid YAML: ${where}${reason}`);
  }
  if (docs.length > 1) throw new ConfigError(file, '', 'invalid YAML: more than one document (---)');
  const value = docs[0];
  if (value !== null && value !== undefined && (typeof value !== 'object' || Array.isArray(value))) {
    throw new ConfigError(file, '', 'the top level must be a mapping of keys');
  }
  return value;
}
