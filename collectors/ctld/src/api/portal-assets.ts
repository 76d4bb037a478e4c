// The portal's static files, read once when ctld starts: the built grafana-plugins bundles
// (portal/dist/ and each panel's dist/), kept in memory with a content hash, gzip'd once. A URL
// names a file only by a map lookup over the files enumerated here, so no request path ever
// reaches the filesystem (no traversal, whatever it holds).
import { createHash } from 'node:crypto';
import type { Dirent } from 'node:fs';
import { open, readdir } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { constants } from 'node:zlib';
import { errorMessage, isNotFound } from '@slurmscope/common';
import type { Logger } from '@slurmscope/model';
import { MIN_GZIP_BYTES } from './bodies.js';
import { deflateTail, gzipSpliced } from './gzip.js';

/** The panels the portal mounts: portal name → plugin id and folder in grafana-plugins (ids are fixed). */
export const PORTAL_PANELS = {
  availability: { id: 'slurmscope-availability-panel', folder: 'availability' },
  webjobs: { id: 'slurmscope-webjobs-panel', folder: 'webjobs' },
  co2: { id: 'slurmscope-co2-panel', folder: 'co2' },
} as const;

/** A panel's name in /portal/embed/<panel>. */
export type PortalPanel = keyof typeof PORTAL_PANELS;

/** One served file: its bytes, gzip'd bytes when smaller, content hash (sha256, 16 hex) and type. */
export interface PortalAsset {
  readonly body: Buffer;
  readonly gzip?: Buffer;
  readonly hash: string;
  readonly contentType: string;
}

/** What {@link loadPortalAssets} found. */
export interface PortalAssets {
  /** The grafana-plugins folder read. */
  readonly dir: string;
  /** URL path (`/portal/assets/portal.js`, `/portal/plugins/<id>/img/logo.svg`) → file. */
  readonly files: ReadonlyMap<string, PortalAsset>;
  /** Why the pages cannot be shown (the build is missing), naming the folder; undefined when complete. */
  readonly missing?: string;
  /** Bytes held (uncompressed). */
  readonly bytes: number;
  /** Files left out: too large, beyond the totals, not a plain file, unreadable. */
  readonly refused: number;
}

/** Bounds of the assets held in memory. */
export interface AssetLimits {
  /** Largest file (default 32 MiB). */
  readonly maxFileBytes: number;
  /** All files together (default 256 MiB). */
  readonly maxTotalBytes: number;
  /** Most files (default 2,000). */
  readonly maxFiles: number;
}

/** Default {@link AssetLimits}. */
export const ASSET_LIMITS: AssetLimits = {
  maxFileBytes: 32 * 1024 ** 2,
  maxTotalBytes: 256 * 1024 ** 2,
  maxFiles: 2000,
};

/**
 * The grafana-plugins folder when `portal.assetsDir` is not set: the repository's (or installed
 * tree's) `grafana-plugins/`, found from this file (collectors/ctld/dist/api/) four levels up.
 */
export function defaultAssetsDir(): string {
  return fileURLToPath(new URL('../../../../grafana-plugins/', import.meta.url));
}

/** URL path → folder (relative to the grafana-plugins folder) whose files it serves. */
function sources(): Array<{ readonly url: string; readonly folder: string }> {
  return [
    { url: '/portal/assets', folder: join('portal', 'dist') },
    ...Object.values(PORTAL_PANELS).map((p) => ({ url: `/portal/plugins/${p.id}`, folder: join(p.folder, 'dist') })),
  ];
}

/** The files the pages cannot do without, as URL paths. */
export const REQUIRED_ASSETS: readonly string[] = [
  '/portal/assets/portal.js',
  ...Object.values(PORTAL_PANELS).map((p) => `/portal/plugins/${p.id}/module.js`),
];

/**
 * Reads the built portal and panels under `dir` into memory (bounded by `limits`); a missing
 * build is logged once (warn, naming the folder and "run npm run build") and reported in `missing`.
 */
export async function loadPortalAssets(o: {
  readonly dir: string;
  readonly log: Logger;
  readonly limits?: AssetLimits;
}): Promise<PortalAssets> {
  const limits = o.limits ?? ASSET_LIMITS;
  const state = { files: new Map<string, PortalAsset>(), bytes: 0, refused: 0 };
  const refuse = (file: string, why: string): void => {
    state.refused++;
    o.log.warn({ file, why }, 'portal asset left out');
  };
  for (const src of sources()) {
    const root = join(o.dir, src.folder);
    for (const rel of await listFiles(root, refuse)) {
      const file = join(root, ...rel.split('/'));
      if (state.files.size >= limits.maxFiles) {
        refuse(file, `more than ${limits.maxFiles} files`);
        continue;
      }
      const body = await readBounded(file, limits.maxFileBytes, refuse);
      if (body === undefined) continue;
      if (state.bytes + body.length > limits.maxTotalBytes) {
        refuse(file, `the assets would exceed ${limits.maxTotalBytes} bytes in all`);
        continue;
      }
      state.bytes += body.length;
      state.files.set(`${src.url}/${rel}`, await assetOf(rel, body));
    }
  }
  const absent = REQUIRED_ASSETS.filter((u) => !state.files.has(u));
  if (absent.length === 0) return { dir: o.dir, ...state };
  const missing = `the portal is not built in ${o.dir} (missing ${absent.join(', ')}): run npm run build in grafana-plugins`;
  o.log.warn({ folder: o.dir, missing: absent }, missing);
  return { dir: o.dir, ...state, missing };
}

/** Relative paths ('/'-separated) of the plain files under `root`, 8 levels at most; none when it does not exist. */
async function listFiles(root: string, refuse: (file: string, why: string) => void, depth = 8): Promise<string[]> {
  let entries: Dirent[];
  try {
    entries = await readdir(root, { withFileTypes: true });
  } catch (err) {
    if (!isNotFound(err)) refuse(root, errorMessage(err));
    return []; // a folder that is not there: the missing files are reported together
  }
  const out: string[] = [];
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (e.isFile()) out.push(e.name);
    else if (e.isDirectory() && depth > 1)
      out.push(...(await listFiles(join(root, e.name), refuse, depth - 1)).map((r) => `${e.name}/${r}`));
    else refuse(join(root, e.name), 'not a plain file or folder (links are not followed)');
  }
  return out;
}

/** A file's bytes, or undefined (refused) when it is larger than `max` or cannot be read. */
async function readBounded(
  file: string,
  max: number,
  refuse: (file: string, why: string) => void,
): Promise<Buffer | undefined> {
  try {
    const fh = await open(file, 'r');
    try {
      const size = (await fh.stat()).size;
      if (size > max) return void refuse(file, `larger than ${max} bytes (${size})`);
      return await fh.readFile();
    } finally {
      await fh.close();
    }
  } catch (err) {
    return void refuse(file, errorMessage(err));
  }
}

/** Content types by extension; anything else is served as bytes (with nosniff). */
const TYPES: Readonly<Record<string, string>> = {
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.md': 'text/markdown; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/** Types not worth compressing again. */
const COMPRESSED = new Set(['.png', '.jpg', '.jpeg', '.gif', '.webp', '.woff2', '.zip', '.gz']);

/** A file as served: hash, type, and its gzip'd bytes when that is smaller. */
async function assetOf(rel: string, body: Buffer): Promise<PortalAsset> {
  const ext = extname(rel).toLowerCase();
  const name = rel.slice(rel.lastIndexOf('/') + 1);
  const contentType = TYPES[ext] ?? (/^(LICENSE|NOTICE)/.test(name) ? TYPES['.txt']! : 'application/octet-stream');
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 16);
  if (body.length < MIN_GZIP_BYTES || COMPRESSED.has(ext)) return { body, hash, contentType };
  // Once per start, so the best compression: portal.js is a few MB of JavaScript.
  const deflated = await deflateTail(body, constants.Z_BEST_COMPRESSION);
  const gzip = Buffer.concat(gzipSpliced(Buffer.alloc(0), deflated));
  return gzip.length < body.length ? { body, gzip, hash, contentType } : { body, hash, contentType };
}
