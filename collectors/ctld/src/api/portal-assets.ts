// The portal's static files, read once when ctld starts: the built grafana-plugins bundles
// (portal/dist/ and each panel's dist/), kept in memory with a content hash, gzip'd once. A URL
// names a file only by a map lookup over the files enumerated here, so no request path ever
// reaches the filesystem (no traversal, whatever it holds). The files become same-origin script
// (which can read a visitor's Slurm JWT), so only files and folders that nobody but root and
// ctld's user may change are read: no links, nothing but plain files, nothing group/other-writable.
import { createHash } from 'node:crypto';
import { constants as fsc, type Dirent, type Stats } from 'node:fs';
import { lstat, open, readdir, stat } from 'node:fs/promises';
import { extname, join, sep } from 'node:path';
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
  /** Files and folders left out: too large, beyond the totals, not a plain file, untrusted, unreadable. */
  readonly refused: number;
}

/**
 * Why a file or folder cannot be trusted to hold ctld's script: writable by its group or others,
 * or owned by neither root nor `ownUid` (the rule of the report archive); undefined when it can. Pure.
 */
export function untrustedWhy(st: Pick<Stats, 'mode' | 'uid'>, ownUid: number): string | undefined {
  const mode = (st.mode & 0o7777).toString(8);
  if ((st.mode & 0o022) !== 0) return `writable by its group or others (mode ${mode}): only root or ctld may change it`;
  if (st.uid !== 0 && st.uid !== ownUid) return `owned by uid ${st.uid}, neither root nor ctld's (uid ${ownUid})`;
  return undefined;
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
  /** ctld's uid, whose files are trusted besides root's (default the process's). */
  readonly uid?: number;
}): Promise<PortalAssets> {
  const limits = o.limits ?? ASSET_LIMITS;
  const uid = o.uid ?? process.getuid?.() ?? 0;
  const state = { files: new Map<string, PortalAsset>(), bytes: 0, refused: 0 };
  const refusals = new Map<string, string>();
  const refuse = (file: string, why: string): void => {
    state.refused++;
    refusals.set(file, why);
    o.log.warn({ file, why }, 'portal asset left out');
  };
  // The folder itself may be a link (an installed release); below it, nothing is followed.
  const top = await folderWhy(o.dir, uid, stat);
  if (top !== undefined && top !== ABSENT) refuse(o.dir, top);
  for (const src of top === undefined ? sources() : []) {
    const root = join(o.dir, src.folder);
    if (!(await trustedPath(o.dir, src.folder, uid, refuse))) continue;
    for (const rel of await listFiles(root, refuse, uid)) {
      const file = join(root, ...rel.split('/'));
      if (state.files.size >= limits.maxFiles) {
        refuse(file, `more than ${limits.maxFiles} files`);
        continue;
      }
      const read = await readTrusted(file, limits.maxFileBytes, uid);
      if ('why' in read) {
        refuse(file, read.why);
        continue;
      }
      const { body } = read;
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
  const missing = missingWhy(o.dir, absent, refusals);
  o.log.warn({ folder: o.dir, missing: absent }, missing);
  return { dir: o.dir, ...state, missing };
}

/** Why the pages cannot be shown: the required files refused (naming the file or folder and why), then the absent. */
function missingWhy(dir: string, absent: readonly string[], refusals: ReadonlyMap<string, string>): string {
  const refused: string[] = [];
  const notBuilt: string[] = [];
  for (const url of absent) {
    const src = sources().find((s) => url.startsWith(`${s.url}/`))!;
    const rel = join(src.folder, ...url.slice(src.url.length + 1).split('/')).split(sep);
    // The file, or the first folder on its way that was refused.
    const paths = [dir, ...rel.map((_, i) => join(dir, ...rel.slice(0, i + 1)))];
    const hit = paths.find((p) => refusals.has(p));
    if (hit === undefined) notBuilt.push(url);
    else if (!refused.some((r) => r.startsWith(`${hit} (`))) refused.push(`${hit} (${refusals.get(hit)!})`);
  }
  const parts: string[] = [];
  if (refused.length > 0) parts.push(`the portal's files in ${dir} are refused: ${refused.join('; ')}`);
  if (notBuilt.length > 0)
    parts.push(
      `the portal is not built in ${dir} (missing ${notBuilt.join(', ')}): run npm run build in grafana-plugins`,
    );
  return parts.join('; ');
}

/** {@link folderWhy}'s answer for a folder that is not there. */
const ABSENT = 'absent';

/** Why a folder is refused (not a folder, a link, untrusted), {@link ABSENT}, or undefined when trusted. */
async function folderWhy(path: string, uid: number, statOf: typeof lstat = lstat): Promise<string | undefined> {
  let st: Stats;
  try {
    st = await statOf(path);
  } catch (err) {
    return isNotFound(err) ? ABSENT : errorMessage(err);
  }
  if (!st.isDirectory()) return 'not a plain file or folder (links are not followed)';
  return untrustedWhy(st, uid);
}

/** True when every folder from `dir` down to `dir/folder` is trusted; each refused one is refused once. */
async function trustedPath(
  dir: string,
  folder: string,
  uid: number,
  refuse: (file: string, why: string) => void,
): Promise<boolean> {
  const parts = folder.split(sep);
  for (let i = 1; i <= parts.length; i++) {
    const path = join(dir, ...parts.slice(0, i));
    const why = await folderWhy(path, uid);
    if (why === ABSENT) return false; // reported with the missing files
    if (why !== undefined) {
      refuse(path, why);
      return false;
    }
  }
  return true;
}

/** Relative paths ('/'-separated) of the plain files under `root` (trusted), 8 levels at most; none when it does not exist. */
async function listFiles(
  root: string,
  refuse: (file: string, why: string) => void,
  uid: number,
  depth = 8,
): Promise<string[]> {
  let entries: Dirent[];
  try {
    entries = await readdir(root, { withFileTypes: true });
  } catch (err) {
    if (!isNotFound(err)) refuse(root, errorMessage(err));
    return []; // a folder that is not there: the missing files are reported together
  }
  const out: string[] = [];
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const path = join(root, e.name);
    if (e.isFile()) out.push(e.name);
    else if (!e.isDirectory() || depth <= 1) refuse(path, 'not a plain file or folder (links are not followed)');
    else {
      const why = await folderWhy(path, uid);
      if (why === undefined) out.push(...(await listFiles(path, refuse, uid, depth - 1)).map((r) => `${e.name}/${r}`));
      else if (why !== ABSENT) refuse(path, why);
    }
  }
  return out;
}

/**
 * A file's bytes, or why it is refused: a link (O_NOFOLLOW), not a plain file (a FIFO is opened
 * without waiting for a writer: O_NONBLOCK), untrusted ({@link untrustedWhy}), larger than `max`,
 * or unreadable. What is checked is the file opened (fstat), not the name.
 */
export async function readTrusted(
  file: string,
  max: number,
  uid: number,
): Promise<{ readonly body: Buffer } | { readonly why: string }> {
  try {
    const fh = await open(file, fsc.O_RDONLY | fsc.O_NOFOLLOW | fsc.O_NONBLOCK);
    try {
      const st = await fh.stat();
      if (!st.isFile()) return { why: 'not a plain file or folder (links are not followed)' };
      const why = untrustedWhy(st, uid);
      if (why !== undefined) return { why };
      if (st.size > max) return { why: `larger than ${max} bytes (${st.size})` };
      return { body: await fh.readFile() };
    } finally {
      await fh.close();
    }
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // O_NOFOLLOW on a link: ELOOP (Linux), EMLINK (FreeBSD).
    if (code === 'ELOOP' || code === 'EMLINK') return { why: 'not a plain file or folder (links are not followed)' };
    return { why: errorMessage(err) };
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
