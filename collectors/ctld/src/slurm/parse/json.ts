import { ParseError } from '@slurmscope/common';
import { SUPPORTED_SLURM_VERSIONS, type SlurmVersion } from '../types.js';

/** A Slurm release that ctld has no parser for; the message names it. */
export class UnsupportedSlurmVersionError extends Error {
  override readonly name = 'UnsupportedSlurmVersionError';
  constructor(
    readonly source: string,
    /** What the output said, e.g. "26.05.1" or "openapi/v0.0.37". */
    readonly found: string,
  ) {
    super(
      `${source}: Slurm ${found} is not supported (supported: ${SUPPORTED_SLURM_VERSIONS.join(', ')}); ` +
        'capture its JSON under testdata/slurm/<version>/ and add it',
    );
  }
}

/** The Slurm release a JSON document came from. */
export interface JsonVersion {
  readonly version: SlurmVersion;
  /** Full release string, e.g. 22.05.8. */
  readonly release: string;
  /** openapi/v0.0.38 (22.05) or the data_parser plugin (23.02+), e.g. data_parser/v0.0.41. */
  readonly parser: string;
}

/** A parsed JSON object (the JSON of Slurm's commands is objects of objects). */
export type JsonObject = { readonly [key: string]: unknown };

/** True for a plain JSON object. */
export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Parses JSON text into an object, or a ParseError naming the source. */
export function parseJsonObject(text: string, source: string): JsonObject {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new ParseError(source, `not JSON (${(err as Error).message})`, text.slice(0, 80));
  }
  if (!isObject(doc)) throw new ParseError(source, 'JSON is not an object', text.slice(0, 80));
  return doc;
}

/**
 * Reads the Slurm release from `meta`. 22.05 writes `meta.Slurm.version` with numbers and
 * `meta.plugin.type` (openapi/v0.0.38); 23.02's commands write `meta.Slurm` with numbers and
 * `meta.plugins.data_parser` (data_parser/v0.0.39; its slurmrestd writes `meta.plugin` with a bare
 * "v0.0.39"); 23.11+ write `meta.slurm.version` with strings and `meta.plugin.data_parser`. The
 * release decides, not the plugin: 24.05+ also answer older data_parser versions. Throws
 * UnsupportedSlurmVersionError for any other release.
 */
export function detectSlurmVersion(doc: JsonObject, source: string): JsonVersion {
  const meta = doc['meta'];
  if (!isObject(meta)) throw new ParseError(source, 'no "meta" object: not Slurm JSON output');
  const slurm = isObject(meta['Slurm']) ? meta['Slurm'] : isObject(meta['slurm']) ? meta['slurm'] : undefined;
  // `plugin` (22.05, slurmrestd of 23.02, and 23.11+) or `plugins` (the commands of 23.02).
  const plugin = isObject(meta['plugin']) ? meta['plugin'] : isObject(meta['plugins']) ? meta['plugins'] : {};
  const parser = parserName(str(plugin['data_parser']) || str(plugin['type']));
  const v = isObject(slurm?.['version']) ? slurm['version'] : undefined;
  const release = typeof slurm?.['release'] === 'string' ? slurm['release'] : '';
  const major = v === undefined ? NaN : Number(v['major']);
  const minor = v === undefined ? NaN : Number(v['minor']);
  let key: string;
  if (Number.isInteger(major) && Number.isInteger(minor)) key = `${major}.${String(minor).padStart(2, '0')}`;
  else if (release !== '') key = release.split('.').slice(0, 2).join('.');
  else throw new UnsupportedSlurmVersionError(source, parser === '' ? 'of unknown version (no meta.slurm)' : parser);
  const version = SUPPORTED_SLURM_VERSIONS.find((s) => s === key);
  if (version === undefined) throw new UnsupportedSlurmVersionError(source, release || key);
  return { version, release: release || key, parser };
}

/** The plugin as `data_parser/v0.0.xx` or `openapi/v0.0.xx` (slurmrestd 23.02 writes a bare `v0.0.39`). */
function parserName(name: string): string {
  return /^v\d/.test(name) ? `data_parser/${name}` : name;
}

/**
 * A number as any release writes it: plain (22.05, with NO_VAL sentinels) or
 * `{set, infinite, number}` (23.02+). Unset and sentinels give undefined, infinite gives Infinity.
 */
export function num(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) && v >= 0 && !isNoVal(v) ? v : undefined;
  if (isObject(v)) {
    if (v['infinite'] === true) return Infinity;
    if (v['set'] === false) return undefined;
    return num(v['number']);
  }
  return undefined;
}

// NO_VAL (0xfffffffe), INFINITE (0xffffffff), NO_VAL16/INFINITE16 and the 64-bit ones.
function isNoVal(v: number): boolean {
  return v === 4294967294 || v === 4294967295 || v === 65534 || v === 65535 || v >= 2 ** 53;
}

/** A string field, or "" when absent or not a string. */
export function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/** A list of upper-case state words from a string (22.05) or an array (23.02+). */
export function states(v: unknown): string[] {
  if (typeof v === 'string') return v === '' ? [] : [v.toUpperCase()];
  if (Array.isArray(v)) return v.filter((s): s is string => typeof s === 'string').map((s) => s.toUpperCase());
  return [];
}

/** The array under `key`, or a ParseError naming the source. */
export function arrayField(doc: JsonObject, key: string, source: string): unknown[] {
  const v = doc[key];
  if (!Array.isArray(v)) throw new ParseError(source, `no "${key}" array`);
  return v;
}
