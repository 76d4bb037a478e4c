import { nodeReportAckSchema, type NodeReport } from '@slurmscope/common';
import type { Logger } from '@slurmscope/model';

/** Options of the node report sender. */
export interface CtldReporterOptions {
  /** ctld's base URL. */
  readonly url: string;
  /** Bearer token (from a file or the environment; never logged). */
  readonly token: string | undefined;
  readonly timeoutMs: number;
  readonly log: Logger;
}

/**
 * Sends the node report to ctld (`POST <url>/api/v1/node-reports`). Never blocks sampling: a
 * report still in flight makes the next one skip (counted), a failure is logged when the state
 * changes (up → down, down → up), not every cycle. Reports are snapshots, not deltas: a lost one
 * is superseded by the next, so nothing is spooled.
 */
export class CtldReporter {
  private inFlight = false;
  private up: boolean | undefined;
  /** Counts for /metrics. */
  readonly counts = { sent: 0, failed: 0, skipped: 0 };
  /** Jobs whose batch script ctld says it keeps (so it is not sent again). */
  readonly scriptsKnown = new Set<string>();

  constructor(private readonly opts: CtldReporterOptions) {}

  /** Starts sending `report`; resolves when done (callers need not await it). */
  async send(report: NodeReport): Promise<void> {
    if (this.inFlight) {
      this.counts.skipped++;
      return;
    }
    this.inFlight = true;
    const target = new URL('api/v1/node-reports', this.opts.url.endsWith('/') ? this.opts.url : `${this.opts.url}/`);
    try {
      const res = await fetch(target, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(this.opts.token ? { authorization: `Bearer ${this.opts.token}` } : {}),
        },
        body: JSON.stringify(report),
        signal: AbortSignal.timeout(this.opts.timeoutMs),
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`HTTP ${res.status}: ${text.slice(0, 200)}`);
      const ack = nodeReportAckSchema.safeParse(JSON.parse(text || '{"scripts":[]}'));
      if (ack.success) {
        this.scriptsKnown.clear();
        for (const jobid of ack.data.scripts) this.scriptsKnown.add(jobid);
      }
      this.counts.sent++;
      if (this.up !== true) this.opts.log.info({ url: target.href }, 'ctld reachable: node reports delivered');
      this.up = true;
    } catch (err) {
      this.counts.failed++;
      if (this.up !== false)
        this.opts.log.warn(
          { url: target.href, err: (err as Error).message },
          'ctld unreachable: node reports fail (sampling goes on)',
        );
      this.up = false;
    } finally {
      this.inFlight = false;
    }
  }
}
