import type { NodeReport } from '@slurmscope/common';
import type { MetricFamily } from '@slurmscope/model';
import type { SlurmSnapshot } from '../slurm/types.js';

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
  list(opts: { user?: string; limit?: number }): Promise<ReportOwner[]>;
  families(): MetricFamily[];
  hasScript(jobid: string): boolean;
  close(): Promise<void>;
}

/** A report service that keeps nothing: what ctld runs while no archive is wired (and in tests). */
export class NoReportService implements ReportServicePort {
  observe(): Promise<void> {
    return Promise.resolve();
  }
  get(): Promise<ReportOwner | undefined> {
    return Promise.resolve(undefined);
  }
  list(): Promise<ReportOwner[]> {
    return Promise.resolve([]);
  }
  families(): MetricFamily[] {
    return [];
  }
  hasScript(): boolean {
    return false;
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}
