import type { JobReading } from './collectors/index.js';

/**
 * Keeps each job's OOM-kill count monotonic while the agent runs. On cgroup v1 the count is a sum
 * over the job's live step and task folders (a v1 memcg counts only its own victims), so it drops
 * when a step with kills ends and its folder goes; exported as a counter, that drop would read as
 * a reset and count the other steps' kills twice. A drop is added to the job's base instead. On v2
 * the job-level count never drops and passes through unchanged. Not kept across agent restarts:
 * after one, a job's count may start lower (a reset, as a restarted exporter's counter).
 */
export class OomKillCounter {
  private readonly jobs = new Map<string, { base: number; last: number }>();

  /** The readings with each job's count made monotonic; forgets the jobs not among `present`. */
  apply(readings: readonly JobReading[], present: ReadonlySet<string>): JobReading[] {
    for (const jobid of this.jobs.keys()) if (!present.has(jobid)) this.jobs.delete(jobid);
    return readings.map((r) => {
      const live = r.memory?.oomKills;
      if (live === undefined || r.memory === undefined) return r;
      const seen = this.jobs.get(r.jobid) ?? { base: 0, last: live };
      if (live < seen.last) seen.base += seen.last - live;
      seen.last = live;
      this.jobs.set(r.jobid, seen);
      return seen.base === 0 ? r : { ...r, memory: { ...r.memory, oomKills: seen.base + live } };
    });
  }
}
