import { isIP } from 'node:net';
import { ConfigError, nodeReportAckSchema, type NodeReport } from '@slurmscope/common';
import { CounterFamily, type Logger, type MetricFamily } from '@slurmscope/model';
import { CTLD_REPORTS_FAMILY } from './metrics.js';

/** Options of the node report sender. */
export interface CtldReporterOptions {
  /** ctld's base URL. */
  readonly url: string;
  /** Bearer token (from a file or the environment; never logged). */
  readonly token: string | undefined;
  readonly timeoutMs: number;
  readonly log: Logger;
  /** This agent's Slurm node name: the `node` label, and the X-Slurmscope-Node header ctld checks per-node tokens by. */
  readonly node: string;
  /** Send over plain http:// to a host beyond loopback (`ctld.allowInsecure`). */
  readonly allowInsecure?: boolean;
}

/** How one report to ctld ended: delivered, refused by ctld (4xx), failed otherwise, timed out, or skipped. */
export type CtldReportResult = 'ok' | 'refused' | 'error' | 'timeout' | 'skipped';

const RESULTS: readonly CtldReportResult[] = ['ok', 'refused', 'error', 'timeout', 'skipped'];

/**
 * Throws ConfigError (key `ctld.allowInsecure`) when `url` is plain http:// to a host beyond
 * loopback and that is not explicitly allowed: the report carries the agent's bearer token and
 * batch scripts, readable by anyone on the path.
 */
export function checkCtldTransport(url: string, allowInsecure: boolean): void {
  const u = new URL(url);
  if (u.protocol !== 'http:' || allowInsecure || isLoopback(u.hostname)) return;
  throw new ConfigError(
    '(config)',
    'ctld.allowInsecure',
    `ctld.url ${u.origin} is plain http:// beyond loopback: the agent token and batch scripts would cross the network in clear text; use https:// or set ctld.allowInsecure: true`,
  );
}

function isLoopback(hostname: string): boolean {
  const host = hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
  if (host === 'localhost' || host === '::1') return true;
  return isIP(host) === 4 && host.startsWith('127.');
}

/**
 * Sends the node report to ctld (`POST <url>/api/v1/node-reports`). Never blocks sampling: a
 * report still in flight makes the next one skip (counted), a failure is logged when the state
 * changes (up → down, down → up), not every cycle. Reports are snapshots, not deltas: a lost one
 * is superseded by the next, so nothing is spooled. Every report is counted by result.
 */
export class CtldReporter {
  private inFlight = false;
  private up: boolean | undefined;
  private readonly results = new CounterFamily(CTLD_REPORTS_FAMILY);
  private readonly target: URL;
  /** Jobs whose batch script ctld says it keeps (so it is not sent again). */
  readonly scriptsKnown = new Set<string>();

  constructor(private readonly opts: CtldReporterOptions) {
    checkCtldTransport(opts.url, opts.allowInsecure ?? false);
    this.target = new URL('api/v1/node-reports', opts.url.endsWith('/') ? opts.url : `${opts.url}/`);
    for (const result of RESULTS) this.results.inc({ node: opts.node, result }, 0);
  }

  /** Reports sent with `result` so far. */
  count(result: CtldReportResult): number {
    return this.results.get({ node: this.opts.node, result });
  }

  /** `slurmscope_agent_ctld_reports_total{node,result}`, for the agent's /metrics and InfluxDB. */
  metrics(): MetricFamily[] {
    return [this.results.family()];
  }

  /** Starts sending `report`; resolves when done (callers need not await it). */
  async send(report: NodeReport): Promise<void> {
    if (this.inFlight) {
      this.results.inc({ node: this.opts.node, result: 'skipped' });
      return;
    }
    this.inFlight = true;
    let result: CtldReportResult = 'error';
    let problem: string | undefined;
    try {
      [result, problem] = await this.post(report);
    } catch (err) {
      const e = err as Error;
      result = e.name === 'TimeoutError' ? 'timeout' : 'error';
      problem = e.name === 'TimeoutError' ? `no answer within ${this.opts.timeoutMs} ms` : e.message;
    } finally {
      this.inFlight = false;
    }
    this.results.inc({ node: this.opts.node, result });
    this.logChange(problem);
  }

  private async post(report: NodeReport): Promise<[CtldReportResult, string | undefined]> {
    const res = await fetch(this.target, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-slurmscope-node': report.node,
        ...(this.opts.token ? { authorization: `Bearer ${this.opts.token}` } : {}),
      },
      body: JSON.stringify(report),
      signal: AbortSignal.timeout(this.opts.timeoutMs),
    });
    const text = await res.text();
    if (!res.ok) return [res.status < 500 ? 'refused' : 'error', `HTTP ${res.status}: ${text.slice(0, 200)}`];
    const ack = nodeReportAckSchema.safeParse(JSON.parse(text || '{"scripts":[]}'));
    if (!ack.success) return ['error', 'ctld answered something that is not a node report acknowledgement'];
    this.scriptsKnown.clear();
    for (const jobid of ack.data.scripts) this.scriptsKnown.add(jobid);
    return ['ok', undefined];
  }

  private logChange(problem: string | undefined): void {
    const up = problem === undefined;
    if (up && this.up !== true) this.opts.log.info({ url: this.target.href }, 'ctld reachable: node reports delivered');
    if (!up && this.up !== false)
      this.opts.log.warn({ url: this.target.href, err: problem }, 'node reports to ctld fail (sampling goes on)');
    this.up = up;
  }
}
