import { chmod, chown, lstat, mkdir, stat } from 'node:fs/promises';
import { errorMessage, runCommand } from '@slurmscope/common';
import type { Logger } from '@slurmscope/model';

/**
 * Grants one uid read access to one report without giving it the file: its whole ACL becomes
 * owner rw, group r, `user:<uid>:r--`, mask r, others nothing. Any other entry (a former owner's
 * `u:<x>:rw`, an inherited default) is dropped, and the mask never lets one write. Rejects when
 * the filesystem or the tools cannot.
 */
export type GrantRead = (path: string, uid: number) => Promise<void>;

/** Removes every extended ACL entry of a path, a directory's default ACL included. */
export type StripAcl = (path: string) => Promise<void>;

const SETFACL = { timeoutMs: 10_000, maxBytes: 64 * 1024 };

/** {@link GrantRead} with `setfacl --set` (Debian package `acl`), 10 s timeout. */
export const setfaclGrantRead: GrantRead = async (path, uid) => {
  await runCommand('setfacl', ['--set', `u::rw-,g::r--,o::---,u:${uid}:r--,m::r--`, '--', path], SETFACL);
};

/** {@link StripAcl} with `setfacl -b`, 10 s timeout. */
export const setfaclStrip: StripAcl = async (path) => {
  await runCommand('setfacl', ['-b', '--', path], SETFACL);
};

/** Counts of what {@link ReportGuard} did to files, exposed as metrics by the report service. */
export interface GuardCounts {
  /** Read ACLs that could not be set (the user then reads the report through ctld's API). */
  aclErrors: number;
  /** Reports of the old layout (owned by the job's user) taken back at start-up. */
  adopted: number;
  /** Files in the archive that are no report ctld can vouch for (not a plain file, foreign owner). */
  refused: number;
}

/** Options of {@link ReportGuard}. */
export interface ReportGuardOptions {
  readonly log: Logger;
  /** `reports.adminGroup`; undefined keeps the group the file was created with (ctld's). */
  readonly gid?: number;
  /** ctld's uid (root, 0, may take files back); default the process's. */
  readonly uid?: number;
  readonly grantRead?: GrantRead;
  readonly stripAcl?: StripAcl;
}

/** Mode of the archive's directories: users reach a report by name, nobody but ctld lists or writes. */
export const ARCHIVE_DIR_MODE = 0o711;
/** Mode of a report file: ctld writes, the admin group reads (and the job's user, by ACL). */
export const REPORT_FILE_MODE = 0o640;

/**
 * The archive's permissions. Every report is owned by ctld's uid and `reports.adminGroup`, mode
 * 0640, in directories only ctld may write (0711): a job's user can neither rewrite nor replace
 * their report. They read it through a POSIX ACL entry `user:<uid>:r--` on that one file, which
 * names exactly one uid (a group, even a user's primary group, may hold other users). Where the
 * filesystem has no POSIX ACLs (NFSv4), the entry fails, is counted and logged, and the user reads
 * the report through ctld's API (`slurmscope report` does so with SLURMSCOPE_CTLD_URL).
 */
export class ReportGuard {
  readonly counts: GuardCounts = { aclErrors: 0, adopted: 0, refused: 0 };
  private readonly uid: number;
  private readonly root: boolean;
  private aclWarned = false;

  constructor(private readonly opts: ReportGuardOptions) {
    this.uid = opts.uid ?? process.getuid?.() ?? 0;
    this.root = this.uid === 0;
  }

  /**
   * Makes (or checks) an archive directory. ctld's own directories (`own`: the cluster's and its
   * aliases) are taken back when ctld runs as root, lose their ACLs and group/other write bits;
   * one another uid owns is refused (an error naming it and its owner) when ctld is not root. `reports.dir`
   * itself may be the admin's: it is never changed once it exists, but one that others may write
   * without the sticky bit (they could swap the cluster directory) is refused.
   */
  async directory(path: string, own: boolean): Promise<void> {
    const made = await mkdir(path, { recursive: true, mode: ARCHIVE_DIR_MODE });
    if (made !== undefined) await chmod(path, ARCHIVE_DIR_MODE); // whatever the umask
    const st = await stat(path); // `reports.dir` may be a link to the real place
    if (!st.isDirectory()) throw new Error(`${path} is not a directory`);
    const writable = (st.mode & 0o022) !== 0;
    if (own && st.uid !== this.uid && !this.root) {
      // In a world-writable reports.dir (sticky, as /tmp) another user can make it before ctld.
      throw new Error(
        `${path} is owned by uid ${st.uid}, not by ctld (uid ${this.uid}), which cannot take it back: its owner could replace reports; remove it or give it to ctld`,
      );
    }
    if (!own) {
      if (writable && (st.mode & 0o1000) === 0) {
        const mode = (st.mode & 0o7777).toString(8);
        throw new Error(`${path} (mode ${mode}) is writable by others, who could replace reports; make it ctld's only`);
      }
      return;
    }
    if (st.uid !== this.uid) {
      await chown(path, this.uid, -1);
      this.opts.log.warn({ dir: path, was: st.uid }, "report directory was not ctld's: taken back");
    }
    await this.strip(path); // a default ACL would be inherited by every new report and the index
    if (!writable) return;
    const now = (await stat(path)).mode; // with an ACL, the group bits were its mask: the strip changed them
    if ((now & 0o022) !== 0) await chmod(path, now & 0o755);
    this.opts.log.warn(
      { dir: path, mode: (st.mode & 0o777).toString(8) },
      'report directory was writable by others: fixed',
    );
  }

  /** Protects a freshly written file (before it gets its name): owner, group, mode, reader ACL. */
  async protect(path: string, readerUid: number | undefined): Promise<void> {
    await chmod(path, REPORT_FILE_MODE); // whatever the umask
    if (this.opts.gid !== undefined) await chown(path, -1, this.opts.gid);
    if (readerUid !== undefined && readerUid !== this.uid) await this.grant(path, readerUid);
  }

  /**
   * Checks a report found in the archive at start-up. A report of the old layout (owned by the
   * job's user, who could rewrite it) is taken back when ctld runs as root: owner ctld, the admin
   * group, mode 0640, every ACL entry its owner added dropped, and the former owner keeps read
   * access by ACL. Its contents were the user's
   * to change: the warning names it. False when the file cannot be vouched for (not a plain file,
   * or a foreign owner while ctld is not root): it is then left out of the index.
   */
  async adopt(path: string): Promise<boolean> {
    const st = await lstat(path);
    if (!st.isFile()) return this.refuse(path, 'not a plain file');
    if (st.uid !== this.uid) {
      if (!this.root)
        return this.refuse(path, `owned by uid ${st.uid}, and ctld (uid ${this.uid}) cannot take it back`);
      await chown(path, this.uid, this.opts.gid ?? -1);
      await chmod(path, REPORT_FILE_MODE);
      await this.grant(path, st.uid);
      this.counts.adopted++;
      this.opts.log.warn(
        { file: path, formerOwner: st.uid },
        "report was owned by its user (old layout, writable by them): now ctld's, readable by them",
      );
      return true;
    }
    if ((st.mode & 0o7777) !== REPORT_FILE_MODE) await chmod(path, REPORT_FILE_MODE);
    if (this.opts.gid !== undefined && st.gid !== this.opts.gid) await chown(path, -1, this.opts.gid);
    return true;
  }

  private refuse(path: string, why: string): false {
    this.counts.refused++;
    this.opts.log.error({ file: path, why }, 'file in the report archive refused');
    return false;
  }

  private async grant(path: string, uid: number): Promise<void> {
    try {
      await (this.opts.grantRead ?? setfaclGrantRead)(path, uid);
    } catch (err) {
      // The report stays readable by ctld and the admins; its user reads it through the API.
      const warn = 'cannot give the job user read access (ACL); they read reports through the API';
      this.aclFailed({ file: path, uid, err: errorMessage(err) }, warn, 'cannot give the job user read access (ACL)');
    }
  }

  private async strip(dir: string): Promise<void> {
    try {
      await (this.opts.stripAcl ?? setfaclStrip)(dir);
    } catch (err) {
      // Without ACL support (or tools) there is no ACL to inherit; with it, this is worth a look.
      const warn = 'cannot remove the ACLs of a report directory; new reports inherit any default ACL';
      this.aclFailed({ dir, err: errorMessage(err) }, warn, 'cannot remove the ACLs of a report directory');
    }
  }

  /** Counts an ACL failure; the first is a warning, the rest debug lines. */
  private aclFailed(fields: object, warn: string, debug: string): void {
    this.counts.aclErrors++;
    if (this.aclWarned) this.opts.log.debug(fields, debug);
    else this.opts.log.warn(fields, warn);
    this.aclWarned = true;
  }
}
