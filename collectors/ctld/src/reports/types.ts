import type { FindingKind } from '@slurmscope/common';

/** One thing the inspector noticed about a job: raised live while it ran, or judged at its end. */
export interface Finding {
  readonly kind: FindingKind;
  readonly severity: 'info' | 'warning';
  readonly message: string;
  /** The measured figure behind the finding (a ratio 0..1; a count for oom_killed). */
  readonly value: number;
  /** When the live inspector raised it (ISO 8601); absent for findings judged at the job's end. */
  readonly raised_at?: string;
  /** A live finding's per-node figures ("CPU 3 %"), the problem first. */
  readonly nodes?: readonly FindingNode[];
  /** What the job had wasted when the report was written (live findings; absent figures were not measured). */
  readonly cost?: FindingCostFigures;
}

/** One node's figure behind a live finding. */
export interface FindingNode {
  readonly node: string;
  readonly text: string;
  readonly value: number;
}

/** The cost figures of a live finding; a figure nothing measured is absent. */
export interface FindingCostFigures {
  readonly idle_cpu_hours?: number;
  readonly idle_gpu_hours?: number;
  readonly energy_joules?: number;
  readonly co2_grams?: number;
}

/** One point of a job's down-sampled profile: means over the cycles it stands for. */
export interface ProfilePoint {
  /** Middle of the bucket (ms since epoch). */
  readonly t: number;
  /** Mean CPU utilization over the job's reporting nodes (0..1), and its min/max across nodes. */
  readonly cpu: number | null;
  readonly cpu_min: number | null;
  readonly cpu_max: number | null;
  /** Memory in use summed over the nodes, bytes. */
  readonly memory_bytes: number;
  /** Mean GPU utilization (0..1); null without GPU figures. */
  readonly gpu: number | null;
  /** Power attributed to the job (W), from its energy counters; null where nothing measured energy. */
  readonly power_watts: number | null;
}

/** What the agents measured for the job on one node (their last cumulative figures). */
export interface NodeTotals {
  readonly node: string;
  readonly cpus: number;
  readonly cpu_seconds: number;
  /** Null where nothing on this node measured energy. */
  readonly energy_joules: number | null;
  readonly gpu_seconds: number;
  readonly memory_peak_bytes: number;
}

/** The job report, written once when the job ends. Keys are snake_case; see docs in README. */
export interface JobReport {
  readonly format: 1;
  readonly cluster: string;
  /** Slurm's raw job id: the archive key. */
  readonly jobid: string;
  /** What users know: `1234_5`, `1234+1`, else the raw id. */
  readonly display_id: string;
  readonly array_job: string | null;
  readonly het_job: string | null;
  readonly user: string;
  readonly uid: number | null;
  readonly account: string;
  readonly partition: string;
  readonly qos: string | null;
  /** Final state from slurmdbd (COMPLETED, FAILED, CANCELLED, TIMEOUT, ...); UNKNOWN without it. */
  readonly state: string;
  /** `exit:signal` as sacct prints it; null without slurmdbd. */
  readonly exit_code: string | null;
  readonly start_time: string | null;
  readonly end_time: string | null;
  readonly elapsed_seconds: number | null;
  readonly nodes: readonly string[];
  readonly requested: {
    readonly cpus: number;
    readonly memory_bytes: number;
    readonly gpus: number;
    readonly gpus_by_type: Readonly<Record<string, number>>;
    readonly time_limit_seconds: number | null;
  };
  readonly used: {
    readonly cpu_efficiency: number | null;
    /** Sum of per-node peaks (an upper bound of the job's peak). */
    readonly memory_peak_bytes: number;
    readonly gpu_seconds: number;
    readonly gpu_utilization: number | null;
    readonly load_imbalance: number | null;
  };
  /** The job's CPU seconds: the larger of Slurm's TotalCPU and the agents' sum (both lower bounds). */
  readonly cpu_seconds: number;
  /** Absent in reports written before it existed. */
  readonly cpu_seconds_source?: 'sacct' | 'agents';
  /** What the agents' last samples summed to over the job's nodes (absent in older reports). */
  readonly cpu_seconds_agents?: number;
  /** Measured energy plus the admin-set overhead; null where nothing measured energy (never 0 for unknown). */
  readonly energy_joules: number | null;
  readonly co2_grams: number | null;
  readonly energy: {
    readonly measured_joules: number | null;
    readonly overhead_joules: number | null;
    readonly kwh: number | null;
  };
  readonly co2: {
    readonly pue: number;
    readonly basis: 'direct' | 'lifecycle';
    readonly source: 'constant' | 'csv' | 'http';
    readonly fallback_used: boolean;
    /** Energy-weighted mean intensity over the job (g/kWh); null without energy. */
    readonly intensity_g_per_kwh: number | null;
    readonly note: string;
  };
  readonly per_node: readonly NodeTotals[];
  /**
   * Where the energy came from: 'simulated' when any node that contributed energy ran the demo's
   * RAPL stand-in, else 'measured'; null when energy_joules is null. After `nodes` (the index's
   * 64 KiB head stays small); absent in reports written before it existed.
   */
  readonly energy_source?: 'measured' | 'simulated' | null;
  readonly profile: { readonly points: readonly ProfilePoint[] };
  readonly findings: readonly Finding[];
  /** The exact batch script; null when neither the agents nor slurmdbd had it. */
  readonly script: string | null;
  readonly script_source: 'agent' | 'slurmdbd' | null;
  /** Where state, exit code and end time came from. */
  readonly record_source: 'sacct' | 'ctld';
  readonly generated_at: string;
}

/**
 * One line of the archive's index: enough to list and resolve ids, and to sum energy and CO2 over
 * a time window (GET /api/v1/co2), without opening reports.
 */
export interface ReportIndexEntry {
  readonly jobid: string;
  readonly display_id: string;
  readonly user: string;
  readonly state: string;
  readonly end_time: string | null;
  readonly written_at: string;
  /**
   * The report's account, partition, energy and CO2 (added in issue 11). Null in lines written
   * before, and energy/CO2 null in entries rebuilt from a report's head when the report exceeded
   * the head's 64 KiB (they come after `nodes`); null energy also means nothing measured it.
   */
  readonly account: string | null;
  readonly partition: string | null;
  readonly energy_joules: number | null;
  readonly co2_grams: number | null;
}

/** What an archive met besides reports: counted, exposed as metrics. */
export interface ArchiveCounts {
  /** Reports left out of the index at start-up: unreadable, or no report fields in their first 64 KiB. */
  readonly unreadable: number;
  /** Read ACLs that could not be set for a job's user. */
  readonly aclErrors: number;
  /** Reports of the old layout (owned by their user) taken back at start-up. */
  readonly adopted: number;
  /** Files refused at start-up (not a plain file, or a foreign owner ctld cannot take back). */
  readonly refused: number;
}

/** Where reports are kept: the local filesystem by default; another store implements the same port. */
export interface ReportArchive {
  /** Stores a report once: 'exists' (and nothing written) when the job already has one. */
  put(report: JobReport): Promise<'written' | 'exists'>;
  /** A report by raw id or by the id users know (`1234_5`, `1234+1`). */
  get(id: string): Promise<JobReport | undefined>;
  /** The user of a stored report (raw id or alias) from the index, without reading it. */
  owner(id: string): string | undefined;
  /** Newest first (by end time), optionally one user's. */
  list(opts: { user?: string; limit?: number }): Promise<ReportIndexEntry[]>;
  /** The index entries of reports that ended at or after `sinceMs`, in no order, from memory (optional). */
  endedSince?(sinceMs: number): ReportIndexEntry[];
  /** What the store met besides reports (optional: a store without such checks has none). */
  counts?(): ArchiveCounts;
  close(): Promise<void>;
}
