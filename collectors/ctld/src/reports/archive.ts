import { randomBytes } from 'node:crypto';
import { constants as fsc } from 'node:fs';
import { chmod, chown, link, mkdir, open, readFile, readdir, rename, symlink, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { errorMessage, isNotFound } from '@slurmscope/common';
import type { Logger } from '@slurmscope/model';
import { formatIndexLine, indexEntry, JOB_ID, parseIndex, selectEntries } from './index-file.js';
import type { JobReport, ReportArchive, ReportIndexEntry } from './types.js';

const gzipP = promisify(gzip);
const gunzipP = promisify(gunzip);

/** Options of {@link LocalArchive}. */
export interface LocalArchiveOptions {
  /** `reports.dir`; reports go to `<dir>/<cluster>/<jobid>.json.gz`. */
  readonly dir: string;
  readonly cluster: string;
  readonly log: Logger;
  /** Group of every report file (admins); default the process's group. */
  readonly gid?: number;
  /** Hand each file to the job's uid (default: when running as root). */
  readonly chownToUser?: boolean;
  readonly now?: () => number;
}

const REPORT_FILE = /^(\d+)\.json\.gz$/;

/** The path of a job's report, by raw id or by alias (`1234_5`, `1234+1`); undefined for a malformed id. */
export function reportPath(dir: string, cluster: string, id: string): string | undefined {
  if (!JOB_ID.test(id)) return undefined;
  return /^\d+$/.test(id) ? join(dir, cluster, `${id}.json.gz`) : join(dir, cluster, 'aliases', `${id}.json.gz`);
}

/** Reads and decompresses one report file (errors, EACCES and ENOENT included, go to the caller). */
export async function readReportFile(path: string): Promise<JobReport> {
  const text = (await gunzipP(await readFile(path))).toString('utf8');
  return JSON.parse(text) as JobReport;
}

/**
 * The archive on a local (or shared) filesystem. Each report is gzipped JSON, mode 0640, owned
 * by the job's user (when ctld runs as root) and the admin group: readable by its owner and
 * admins only. A report is written once: to a temporary file, fsync'd, then hard-linked to its
 * name (link refuses an existing name, so a second write cannot replace the first), and the
 * directory fsync'd. The index (`index.jsonl`, append-only, fsync'd) lists reports by user and
 * time; it is rebuilt from the reports when missing, corrupt, or short of reports.
 */
export class LocalArchive implements ReportArchive {
  private readonly byId = new Map<string, ReportIndexEntry>();
  private readonly alias = new Map<string, string>();
  private queue: Promise<unknown> = Promise.resolve();
  private readonly clusterDir: string;

  private constructor(private readonly opts: LocalArchiveOptions) {
    this.clusterDir = join(opts.dir, opts.cluster);
  }

  /** Opens (and creates) the archive directory and loads or rebuilds its index. */
  static async open(opts: LocalArchiveOptions): Promise<LocalArchive> {
    const a = new LocalArchive(opts);
    await a.init();
    return a;
  }

  private get indexPath(): string {
    return join(this.clusterDir, 'index.jsonl');
  }

  private async init(): Promise<void> {
    for (const d of [this.opts.dir, this.clusterDir, join(this.clusterDir, 'aliases')]) {
      // 0711: users reach their own report by name but cannot list everyone's jobs.
      const made = await mkdir(d, { recursive: true, mode: 0o711 });
      if (made !== undefined) await chmod(d, 0o711);
    }
    const names = (await readdir(this.clusterDir)).filter((n) => REPORT_FILE.test(n));
    let text = '';
    try {
      text = await readFile(this.indexPath, 'utf8');
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    const { entries, corrupt } = parseIndex(text);
    for (const e of entries) this.remember(e);
    if (corrupt || this.byId.size !== names.length) {
      this.opts.log.warn(
        { index: this.indexPath, corrupt, entries: this.byId.size, reports: names.length },
        'rebuilding the report index from the reports',
      );
      await this.rebuild(names);
    }
  }

  private remember(e: ReportIndexEntry): void {
    this.byId.set(e.jobid, e);
    if (e.display_id !== e.jobid) this.alias.set(e.display_id, e.jobid);
  }

  private async rebuild(names: readonly string[]): Promise<void> {
    this.byId.clear();
    this.alias.clear();
    const now = this.opts.now?.() ?? Date.now();
    for (const n of names) {
      try {
        const r = await readReportFile(join(this.clusterDir, n));
        this.remember(indexEntry(r, now));
      } catch (err) {
        this.opts.log.error({ file: n, err: errorMessage(err) }, 'unreadable report left out of the index');
      }
    }
    const tmp = `${this.indexPath}.tmp-${process.pid}`;
    const fh = await open(tmp, 'w', 0o640);
    try {
      await fh.writeFile([...this.byId.values()].map(formatIndexLine).join(''));
      await fh.sync();
    } finally {
      await fh.close();
    }
    await this.setGroup(tmp, undefined);
    await rename(tmp, this.indexPath);
    await this.syncDir();
  }

  /** Stores a report once; a second put of the same job is refused ('exists') and logged. */
  put(report: JobReport): Promise<'written' | 'exists'> {
    const p = this.queue.then(() => this.write(report));
    this.queue = p.catch(() => undefined); // the caller gets the error from p
    return p;
  }

  private async write(report: JobReport): Promise<'written' | 'exists'> {
    const final = reportPath(this.opts.dir, this.opts.cluster, report.jobid);
    if (final === undefined || !/^\d+$/.test(report.jobid)) throw new Error(`bad job id "${report.jobid}"`);
    if (this.byId.has(report.jobid)) return this.refused(report.jobid);
    const data = await gzipP(Buffer.from(JSON.stringify(report)));
    const tmp = join(this.clusterDir, `.${report.jobid}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
    const fh = await open(tmp, fsc.O_WRONLY | fsc.O_CREAT | fsc.O_EXCL, 0o640);
    try {
      await fh.writeFile(data);
      await fh.chmod(0o640); // whatever the umask
      await fh.sync();
    } finally {
      await fh.close();
    }
    try {
      await this.setGroup(tmp, report.uid ?? undefined);
      await link(tmp, final);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') return this.refused(report.jobid);
      throw err;
    } finally {
      await unlink(tmp);
    }
    if (report.display_id !== report.jobid && JOB_ID.test(report.display_id)) {
      await this.writeAlias(report.display_id, report.jobid);
    }
    await this.syncDir();
    const entry = indexEntry(report, this.opts.now?.() ?? Date.now());
    await this.appendIndex(entry);
    this.remember(entry);
    return 'written';
  }

  private refused(jobid: string): 'exists' {
    this.opts.log.warn({ jobid }, 'report already archived; not overwritten');
    return 'exists';
  }

  private async writeAlias(display: string, jobid: string): Promise<void> {
    try {
      await symlink(join('..', `${jobid}.json.gz`), join(this.clusterDir, 'aliases', `${display}.json.gz`));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      this.opts.log.warn({ display, jobid }, 'alias already exists; kept');
    }
  }

  private async setGroup(path: string, uid: number | undefined): Promise<void> {
    const root = process.getuid?.() === 0;
    const toUser = (this.opts.chownToUser ?? root) && uid !== undefined;
    if (!toUser && this.opts.gid === undefined) return;
    await chown(path, toUser ? uid : -1, this.opts.gid ?? -1);
  }

  private async appendIndex(e: ReportIndexEntry): Promise<void> {
    const fh = await open(this.indexPath, 'a', 0o640);
    try {
      await fh.appendFile(formatIndexLine(e));
      await fh.sync();
    } finally {
      await fh.close();
    }
  }

  private async syncDir(): Promise<void> {
    const fh = await open(this.clusterDir, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  }

  /** A report by raw id or alias; undefined when there is none. */
  async get(id: string): Promise<JobReport | undefined> {
    const raw = this.alias.get(id) ?? id;
    const path = reportPath(this.opts.dir, this.opts.cluster, raw);
    if (path === undefined) return undefined;
    try {
      return await readReportFile(path);
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  /** Newest first, optionally one user's. */
  list(opts: { user?: string; limit?: number }): Promise<ReportIndexEntry[]> {
    return Promise.resolve(selectEntries(this.byId.values(), opts));
  }

  /** True when the job already has a report. */
  has(jobid: string): boolean {
    return this.byId.has(jobid);
  }

  /** Waits for writes in flight. */
  async close(): Promise<void> {
    await this.queue;
  }
}
