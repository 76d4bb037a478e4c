// Debian's Chromium driven by playwright-core (FACTS.md, "Grafana panel plugins"), with every page
// error, console error and HTTP error kept for the test to assert on, and a tiny static file server
// on loopback for the pages the browser tests open.
import { createReadStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** The repository's root (this file is test/dist/lib/browser.js once built). */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The panels' npm workspace: `<panel>/dist/module.js` and `portal/dist/portal.js` once built. */
export const GRAFANA_PLUGINS_DIR = join(REPO_ROOT, 'grafana-plugins');

/** Chromium's flags that work in this sandbox-less, offline container (FACTS.md). */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The Chromium binary: `$CHROMIUM`, else Debian's /usr/bin/chromium. */
export function chromiumPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.CHROMIUM || '/usr/bin/chromium';
}

/** What went wrong in the pages of a browser: uncaught exceptions, console errors, HTTP >= 400. */
export interface PageProblems {
  readonly pageErrors: string[];
  readonly consoleErrors: string[];
  readonly httpErrors: string[];
}

/** Every problem in one list, each prefixed with its kind (empty when there was none), less those `expected` matches. */
export function problemList(p: PageProblems, expected?: RegExp): string[] {
  return [
    ...p.pageErrors.map((e) => `page error: ${e}`),
    ...p.consoleErrors.map((e) => `console error: ${e}`),
    ...p.httpErrors.map((e) => `HTTP ${e}`),
  ].filter((e) => expected === undefined || !expected.test(e));
}

/**
 * Records `page`'s uncaught exceptions, console errors (CSP violations among them; with the URL
 * they name, as `text (url)`), HTTP answers >= 400 (`status url`) and requests that failed. A
 * request aborted (net::ERR_ABORTED: a navigation away cancels the page's pending fetches, and
 * Chromium reports an error answer's body as aborted too) is not a problem of its own.
 */
export function watchPage(page: Page, problems: PageProblems): void {
  page.on('pageerror', (err) => problems.pageErrors.push(err.stack ?? String(err)));
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const url = msg.location().url;
    problems.consoleErrors.push(url ? `${msg.text()} (${url})` : msg.text());
  });
  page.on('response', (res) => {
    if (res.status() >= 400) problems.httpErrors.push(`${res.status()} ${res.url()}`);
  });
  page.on('requestfailed', (req) => {
    const why = req.failure()?.errorText ?? 'failed';
    if (why !== 'net::ERR_ABORTED') problems.httpErrors.push(`${why} ${req.url()}`);
  });
}

/** A running Chromium with one page open and watched. */
export interface TestBrowser {
  readonly context: BrowserContext;
  /** The first page, watched. */
  readonly page: Page;
  /** Problems of every page opened through `newPage` (and the first). */
  readonly problems: PageProblems;
  /** Opens another watched page. */
  newPage(): Promise<Page>;
  /** Closes the browser and removes its profile; safe to call twice. */
  close(): Promise<void>;
}

/** How to launch: viewport and colour scheme of the pages. */
export interface BrowserOptions {
  readonly viewport?: { readonly width: number; readonly height: number };
  readonly colorScheme?: 'light' | 'dark';
}

/** Launches Chromium in a fresh temporary profile (playwright refuses --user-data-dir in args). */
export async function launchBrowser(opts: BrowserOptions = {}): Promise<TestBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'slurmscope-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: chromiumPath(),
      headless: true,
      viewport: opts.viewport ?? { width: 1280, height: 900 },
      colorScheme: opts.colorScheme ?? 'dark',
      args: [...CHROMIUM_ARGS],
      timeout: 60_000,
    });
  } catch (err) {
    rmSync(profile, { recursive: true, force: true });
    throw new Error(`launching ${chromiumPath()} failed (test/stack/install installs chromium)`, { cause: err });
  }
  const problems: PageProblems = { pageErrors: [], consoleErrors: [], httpErrors: [] };
  const page = context.pages()[0] ?? (await context.newPage());
  watchPage(page, problems);
  let closed = false;
  return {
    context,
    page,
    problems,
    async newPage() {
      const p = await context.newPage();
      watchPage(p, problems);
      return p;
    },
    async close() {
      if (closed) return;
      closed = true;
      try {
        await context.close();
      } finally {
        rmSync(profile, { recursive: true, force: true });
      }
    },
  };
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
};

/** What a static server serves: files below `root`, generated pages, and folders mounted at a prefix. */
export interface StaticServerOptions {
  readonly root: string;
  /** Generated documents by path ("/test/panels.html" → its HTML). */
  readonly pages?: Readonly<Record<string, string>>;
  /** URL prefixes served from another folder ("/public/build/" → @grafana/ui's dist/public/). */
  readonly mounts?: Readonly<Record<string, string>>;
}

/** A static server on 127.0.0.1 (a free port). */
export interface StaticServer {
  /** "http://127.0.0.1:PORT" (no trailing slash). */
  readonly url: string;
  /** Paths requested that were not found (for a test's diagnostics). */
  readonly notFound: string[];
  close(): Promise<void>;
}

/** The file a URL path names, or undefined when it would leave its folder. Pure. */
export function resolveStatic(opts: StaticServerOptions, urlPath: string): string | undefined {
  let base = opts.root;
  let rest = urlPath;
  for (const [prefix, dir] of Object.entries(opts.mounts ?? {})) {
    if (urlPath.startsWith(prefix)) {
      base = dir;
      rest = urlPath.slice(prefix.length);
      break;
    }
  }
  const root = resolve(base);
  const file = resolve(root, `.${sep}${rest}`);
  return file === root || file.startsWith(root + sep) ? file : undefined;
}

function serve(opts: StaticServerOptions, notFound: string[], req: IncomingMessage, res: ServerResponse): void {
  let urlPath: string;
  try {
    urlPath = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
  } catch (err) {
    res.writeHead(400).end((err as Error).message);
    return;
  }
  const page = opts.pages?.[urlPath];
  if (page !== undefined) {
    res.writeHead(200, { 'content-type': CONTENT_TYPES['.html']!, 'cache-control': 'no-store' }).end(page);
    return;
  }
  const file = resolveStatic(opts, urlPath);
  const stat = file === undefined ? undefined : statSync(file, { throwIfNoEntry: false });
  if (file === undefined || stat === undefined || !stat.isFile()) {
    notFound.push(urlPath);
    res.writeHead(404, { 'content-type': 'text/plain' }).end(`not found: ${urlPath}`);
    return;
  }
  res.writeHead(200, {
    'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
    'content-length': stat.size,
    'cache-control': 'no-store',
  });
  createReadStream(file).pipe(res);
}

/** Starts a static file server on 127.0.0.1:0; `close` also drops open keep-alive connections. */
export async function startStaticServer(opts: StaticServerOptions): Promise<StaticServer> {
  const notFound: string[] = [];
  const server = createServer((req, res) => serve(opts, notFound, req, res));
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => ok());
  });
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    notFound,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}
