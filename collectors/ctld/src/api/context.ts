import type { Logger } from '@slurmscope/model';
import type { Authenticator } from '../auth/authenticator.js';
import type { NodeReportStore } from '../node-reports.js';
import type { ReportServicePort } from './report-port.js';
import type { CycleView } from './view.js';

/** What the API routes read: the last cycle, the node reports, the report service, auth. Never Slurm. */
export interface ApiContext {
  /** The latest cycle; undefined before the first. */
  view(): CycleView | undefined;
  /** The report service; undefined until it is open (after the first good poll). */
  reports(): ReportServicePort | undefined;
  readonly intervalMs: number;
  readonly auth: Authenticator;
  readonly nodeReports: NodeReportStore;
  readonly now: () => number;
  readonly log: Logger;
  /** Title of the index page, e.g. "slurmscope ctld (cluster linux)". */
  readonly title: string;
  /** Largest node report body accepted (default 8 MiB). */
  readonly maxBodyBytes?: number;
}
