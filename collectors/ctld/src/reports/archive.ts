import { randomBytes } from 'node:crypto';
import { constants as fsc } from 'node:fs';
import { link, lstat, open, readdir, readFile, readlink, rename, symlink, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { errorMessage, isNotFound } from '@slurmscope/common';
import type { Logger } from '@slurmscope/model';
import { endedSince, entryFromHead, formatIndexLine, indexEntry, isJobId } from './index-file.js';
import { parseIndex, selectEntries } from './index-file.js';
import { ReportGuard, REPORT_FILE_MODE, type GrantRead, type StripAcl } from './permissions.js';
import { MAX_REPORT_BYTES, readReportFile, readReportHead, ReportTooLargeError } from './report-file.js';
import type { ArchiveCounts, JobReport, ReportArchive, ReportIndexEntry } from './types.js';

const gzipP = promisify(gzip);

/** Options of {@link LocalArchive}. */
export interface LocalArchiveOptions {
  /** `reports.dir`; reports go to `<dir>/<cluster>/<jobid>.json.gz`. */
  readonly dir: string;
  readonly cluster: string;
  readonly log: Logger;
  /** Group of every report file (`reports.adminGroup`); default ctld's group. */
  readonly gid?: number;
  /** How a job's user is given read access to their report (default: a POSIX ACL by `setfacl`). */
  readonly grantRead?: GrantRead;
  /** How ACLs are removed from ctld's directories (default `setfacl -b`). */
  readonly stripAcl?: StripAcl;
  /** Most bytes a report may inflate to when read (default {@link MAX_REPORT_BYTES}). */
  readonly maxReportBytes?: number;
  readonly now?: () => number;
}

const REPORT_FILE = /^(\d+)\.json\.gz$/;

/** The path of a job's report, by raw id or by alias (`1234_5`, `1234+1`); undefined for a malformed id. */
export function reportPath(dir: string, cluster: string, id: string): string | undefined {
  if (!isJobId(id)) return undefined;
  return /^\d+$/.test(id) ? join(dir, cluster, `${id}.json.gz`) : join(dir, cluster, 'aliases', `${id}.json.gz`);
}

/**
 * The archive on a local (or shared) filesystem. Each report is gzipped JSON, owned by ctld and
 * the admin group, mode 0640, readable by the job's user through an ACL (see {@link ReportGuard}).
 * A report is written once: to a temporary file, fsync'd, protected, then hard-linked to its name
 * (link refuses an existing name, so a second write cannot replace the first), and the directory
 * fsync'd. Every read inflates a bounded number of bytes. The index (`index.jsonl`, append-only,
 * fsync'd) lists reports by user and time; at start-up it is completed from the reports it lacks
 * (rebuilt when corrupt), reading only each report's first 64 KiB.
 */
export class LocalArchive implements ReportArchive {
  private readonly byId = new Map<string, ReportIndexEntry>();
  private readonly alias = new Map<string, string>();
  private queue: Promise<unknown> = Promise.resolve();
  private readonly clusterDir: string;
  private readonly guard: ReportGuard;
  private unreadable = 0;

  private constructor(private readonly opts: LocalArchiveOptions) {
    this.clusterDir = join(opts.dir, opts.cluster);
    this.guard = new ReportGuard({
      log: opts.log,
      ...(opts.gid === undefined ? {} : { gid: opts.gid }),
      ...(opts.grantRead === undefined ? {} : { grantRead: opts.grantRead }),
      ...(opts.stripAcl === undefined ? {} : { stripAcl: opts.stripAcl }),
    });
  }

  /** Opens (and creates) the archive directory, checks its files and loads or completes its index. */
  static async open(opts: LocalArchiveOptions): Promise<LocalArchive> {
    const a = new LocalArchive(opts);
    await a.init();
    return a;
  }

  private get indexPath(): string {
    return join(this.clusterDir, 'index.jsonl');
  }

  private get nowMs(): number {
    return this.opts.now?.() ?? Date.now();
  }

  private async init(): Promise<void> {
    await this.guard.directory(this.opts.dir, false);
    await this.guard.directory(this.clusterDir, true);
    await this.guard.directory(join(this.clusterDir, 'aliases'), true);
    const names: string[] = [];
    for (const n of await readdir(this.clusterDir)) {
      if (REPORT_FILE.test(n) && (await this.guard.adopt(join(this.clusterDir, n)))) names.push(n);
    }
    let text = '';
    try {
      text = await readFile(this.indexPath, 'utf8');
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    const { entries, corrupt } = parseIndex(text);
    if (!corrupt) for (const e of entries) this.byId.set(e.jobid, e);
    await this.reindex(names, corrupt);
  }

  /** Drops index entries without a report, indexes reports without an entry, rewrites the index if either. */
  private async reindex(names: readonly string[], corrupt: boolean): Promise<void> {
    const ids = new Map(names.map((n) => [REPORT_FILE.exec(n)?.[1] ?? n, n]));
    const stale = [...this.byId.keys()].filter((id) => !ids.has(id));
    const missing = [...ids].filter(([id]) => !this.byId.has(id));
    if (!corrupt && stale.length === 0 && missing.length === 0) return this.aliasAll();
    this.opts.log.warn(
      { index: this.indexPath, corrupt, entries: this.byId.size, reports: names.length, missing: missing.length },
      'rebuilding the report index from the reports',
    );
    for (const id of stale) this.byId.delete(id);
    const now = this.nowMs;
    for (const [id, n] of missing) {
      const e = await this.headEntry(id, join(this.clusterDir, n), now);
      if (e !== undefined) this.byId.set(id, e);
    }
    this.aliasAll();
    await this.writeIndex();
  }

  /** The index entry of one report from its first 64 KiB; undefined (logged, counted) when it has none. */
  private async headEntry(jobid: string, path: string, now: number): Promise<ReportIndexEntry | undefined> {
    let why = 'no report fields in its first bytes';
    try {
      const e = entryFromHead(await readReportHead(path), jobid, now);
      if (e !== undefined) return e;
    } catch (err) {
      why = errorMessage(err);
    }
    this.unreadable++;
    this.opts.log.error({ file: path, why }, 'unreadable report left out of the index');
    return undefined;
  }

  private aliasAll(): void {
    this.alias.clear();
    for (const e of this.byId.values()) if (e.display_id !== e.jobid) this.alias.set(e.display_id, e.jobid);
  }

  private remember(e: ReportIndexEntry): void {
    this.byId.set(e.jobid, e);
    if (e.display_id !== e.jobid) this.alias.set(e.display_id, e.jobid);
  }

  private async writeIndex(): Promise<void> {
    const tmp = `${this.indexPath}.tmp-${process.pid}`;
    await writeSynced(
      tmp,
      [...this.byId.values()].map(formatIndexLine).join(''),
      fsc.O_WRONLY | fsc.O_CREAT | fsc.O_TRUNC,
    );
    await this.guard.protect(tmp, undefined);
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
    await writeSynced(tmp, data, fsc.O_WRONLY | fsc.O_CREAT | fsc.O_EXCL);
    try {
      await this.guard.protect(tmp, report.uid ?? undefined);
      await link(tmp, final);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') return this.refused(report.jobid);
      throw err;
    } finally {
      await unlink(tmp);
    }
    if (report.display_id !== report.jobid && isJobId(report.display_id)) {
      await this.writeAlias(report.display_id, report.jobid);
    }
    await this.syncDir();
    const entry = indexEntry(report, this.nowMs);
    await this.appendIndex(entry);
    this.remember(entry);
    return 'written';
  }

  private refused(jobid: string): 'exists' {
    this.opts.log.warn({ jobid }, 'report already archived; not overwritten');
    return 'exists';
  }

  /** Links `aliases/<display>.json.gz` to the report; one found there that is not that link of ctld's is replaced. */
  private async writeAlias(display: string, jobid: string): Promise<void> {
    const target = join('..', `${jobid}.json.gz`);
    const path = join(this.clusterDir, 'aliases', `${display}.json.gz`);
    try {
      return await symlink(target, path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const st = await lstat(path);
    const was = st.isSymbolicLink() ? await readlink(path) : 'not a link';
    if (was === target && st.uid === (process.getuid?.() ?? st.uid)) return;
    const tmp = join(this.clusterDir, 'aliases', `.${display}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
    await symlink(target, tmp);
    await rename(tmp, path); // atomic: readers see the old entry or ours
    this.opts.log.warn(
      { alias: path, jobid, was, owner: st.uid },
      "an alias that was not ctld's link to this report: replaced",
    );
  }

  private async appendIndex(e: ReportIndexEntry): Promise<void> {
    const fh = await open(this.indexPath, 'a', REPORT_FILE_MODE);
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

  /**
   * A report by raw id or alias, only one in ctld's index (never a file adopt() refused nor a
   * link in `aliases/` ctld did not make); undefined when there is none; a report over the bound
   * is an error naming it.
   */
  async get(id: string): Promise<JobReport | undefined> {
    const raw = this.alias.get(id) ?? id;
    if (!this.byId.has(raw) || !/^\d+$/.test(raw)) return undefined;
    const path = reportPath(this.opts.dir, this.opts.cluster, raw);
    if (path === undefined) return undefined;
    try {
      return await readReportFile(path, this.opts.maxReportBytes ?? MAX_REPORT_BYTES);
    } catch (err) {
      if (isNotFound(err)) return undefined;
      if (err instanceof ReportTooLargeError)
        this.opts.log.error({ file: path, limitBytes: err.limitBytes }, err.message);
      throw err;
    }
  }

  /** The user of a report (raw id or alias) by the index; undefined when it has none. */
  owner(id: string): string | undefined {
    return this.byId.get(this.alias.get(id) ?? id)?.user;
  }

  /** Newest first, optionally one user's. */
  list(opts: { user?: string; limit?: number }): Promise<ReportIndexEntry[]> {
    return Promise.resolve(selectEntries(this.byId.values(), opts));
  }

  /** The index entries of reports that ended at or after `sinceMs` (from memory; no file is read). */
  endedSince(sinceMs: number): ReportIndexEntry[] {
    return endedSince(this.byId.values(), sinceMs);
  }

  /** True when the job already has a report. */
  has(jobid: string): boolean {
    return this.byId.has(jobid);
  }

  /** What start-up and writes found: unreadable reports, ACL failures, files taken back or refused. */
  counts(): ArchiveCounts {
    return { ...this.guard.counts, unreadable: this.unreadable };
  }

  /** Waits for writes in flight. */
  async close(): Promise<void> {
    await this.queue;
  }
}

/** Writes `data` to a new file (mode 0640 before the umask), fsync'd. */
async function writeSynced(path: string, data: Buffer | string, flags: number): Promise<void> {
  const fh = await open(path, flags, REPORT_FILE_MODE);
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
}
