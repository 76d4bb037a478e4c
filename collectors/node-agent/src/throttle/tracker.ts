import type { Logger } from '@slurmscope/model';

/** A prolog's protection: its CPUs (undefined = the whole node) stay untouched until it ends. */
interface Protection {
  /** Narrowed to the job's own CPUs once its cgroup shows them. */
  cpus: ReadonlySet<number> | undefined;
  readonly at: number;
  /** The job's cgroup has been seen; its disappearance ends the protection. */
  seen: boolean;
}

/** What the jobs and prologs mean for one cycle. */
export interface JobView {
  /** CPUs protected by prologs whose jobs have not come and gone yet. */
  readonly protectedCpus: ReadonlySet<number>;
  /** A prolog with unknown CPUs protects the whole node. */
  readonly protectAll: boolean;
  /** When the grace of CPUs freed in this cycle starts: the epilog's time when every ended job had one, else now. */
  readonly freedAt: number;
}

/**
 * Follows jobs across cycles for the throttler: prolog protections (the gap between a prolog and
 * the job's cgroup must never look idle), epilog times (a job's end starts the grace at once),
 * and which jobs disappeared since the last cycle.
 */
export class JobTracker {
  private readonly protections = new Map<string, Protection>();
  private readonly epilogs = new Map<string, number>();
  private readonly endedByEpilog = new Set<string>();
  private last = new Set<string>();
  private lastAt: number | undefined;

  constructor(
    private readonly timeoutMs: number,
    private readonly log: Logger,
  ) {}

  /** Records a prolog; a second prolog of the same job replaces the first. */
  prolog(jobid: string, cpus: ReadonlySet<number> | undefined, now: number): void {
    this.protections.set(jobid, { cpus, at: now, seen: false });
    this.epilogs.delete(jobid);
  }

  /** Records an epilog: the job's protection ends now. */
  epilog(jobid: string, now: number): void {
    if (this.protections.delete(jobid)) this.endedByEpilog.add(jobid);
    this.epilogs.set(jobid, now);
  }

  /**
   * Takes this cycle's job list and returns the protections and the grace start of freed CPUs.
   * A prolog that could not tell the job's CPUs protects the whole node only until the job's
   * cgroup shows its cpuset (`jobCpus`): from then on the job's own CPUs are what it holds.
   */
  observe(jobIds: readonly string[], now: number, jobCpus?: ReadonlyMap<string, readonly number[]>): JobView {
    const present = new Set(jobIds);
    const ended = [...this.last].filter((j) => !present.has(j));
    ended.push(...this.endedByEpilog);
    this.endedByEpilog.clear();
    for (const [id, p] of this.protections) {
      if (present.has(id)) {
        p.seen = true;
        const cpus = jobCpus?.get(id);
        if (p.cpus === undefined && cpus !== undefined && cpus.length > 0) {
          p.cpus = new Set(cpus);
          this.log.debug({ jobid: id, cpus }, 'prolog protection narrowed to the job cpuset');
        }
      } else if (p.seen) {
        this.protections.delete(id);
        ended.push(id);
        continue;
      }
      if (now - p.at >= this.timeoutMs) {
        this.protections.delete(id);
        this.log.info({ jobid: id, seen: p.seen }, 'prolog protection ended by its timeout');
      }
    }
    const freedAt = this.freedAt(ended, now);
    for (const [id, at] of this.epilogs) {
      if (!present.has(id) || now - at >= this.timeoutMs) this.epilogs.delete(id);
    }
    this.last = present;
    this.lastAt = now;
    const protectedCpus = new Set<number>();
    let protectAll = false;
    for (const p of this.protections.values()) {
      if (p.cpus === undefined) protectAll = true;
      else for (const c of p.cpus) protectedCpus.add(c);
    }
    return { protectedCpus, protectAll, freedAt };
  }

  /** Grace start: the latest epilog of the ended jobs (not before the last cycle saw them held), else now. */
  private freedAt(ended: readonly string[], now: number): number {
    if (ended.length === 0) return now;
    let latest = -Infinity;
    for (const id of ended) {
      const at = this.epilogs.get(id);
      if (at === undefined) return now;
      latest = Math.max(latest, at);
    }
    return Math.min(now, Math.max(latest, this.lastAt ?? now));
  }
}
