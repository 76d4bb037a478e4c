import type { NodeReport } from '@slurmscope/common';
import type { MetricFamily } from '@slurmscope/model';
import { isJobId } from '../reports/index-file.js';
import type { ReportIndexEntry } from '../reports/types.js';
import type { SlurmSnapshot } from '../slurm/types.js';
import { HttpError } from './http.js';

/** What the API needs of a stored report: its id and owner (the rest is served as it is). */
export interface ReportOwner {
  readonly jobid: string;
  readonly user: string;
}

/** One cycle handed to the report service. */
export interface ReportCycle {
  readonly nowMs: number;
  readonly snapshot: SlurmSnapshot;
  readonly reports: readonly NodeReport[];
}

/**
 * The job-report service as ctld's cycle and API use it (implemented by `reports/`'s
 * ReportService): observe each fresh cycle, read and list reports, tell which batch scripts it keeps.
 */
export interface ReportServicePort {
  observe(cycle: ReportCycle): Promise<void>;
  get(jobid: string): Promise<ReportOwner | undefined>;
  /** The user of a stored report by the archive's index (no file is read); undefined when there is none. */
  owner(jobid: string): string | undefined;
  list(opts: { user?: string; limit?: number }): Promise<ReportOwner[]>;
  /**
   * The index entries of reports that ended at or after `sinceMs`, from memory (no file is read):
   * GET /api/v1/co2. Optional: a service without it lists no ended jobs.
   */
  co2Rows?(sinceMs: number): readonly ReportIndexEntry[];
  families(): MetricFamily[];
  hasScript(jobid: string): boolean;
  close(): Promise<void>;
}

/**
 * The `:id` of a report route as a job id (raw `1234`, array `1234_5`, het `1234+1`, each number
 * below 2^32); anything else (`../x`, `12abc`, 5,000 digits) is a 400 naming the expected form.
 */
export function reportId(id: string): string {
  if (isJobId(id)) return id;
  const shown = id.length > 40 ? `${id.slice(0, 40)}... (${id.length} characters)` : id;
  throw new HttpError(400, `not a job id: "${shown}"; expected 1234, 1234_5 or 1234+1`);
}
