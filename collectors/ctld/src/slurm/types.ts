/** The Slurm releases whose JSON ctld reads, by `major.minor`. */
export const SUPPORTED_SLURM_VERSIONS = ['22.05', '23.02', '23.11', '24.05', '24.11', '25.05'] as const;

/** One supported Slurm release (`major.minor`). */
export type SlurmVersion = (typeof SUPPORTED_SLURM_VERSIONS)[number];

/** A count of one GRES (e.g. `gpu:a100:4`); `type` is empty when the GRES has no type. */
export interface GresCount {
  readonly name: string;
  readonly type: string;
  readonly count: number;
}

/** One node as Slurm reports it, in base units (memory in bytes). */
export interface NodeInfo {
  readonly name: string;
  /** Base state, upper case: IDLE, MIXED, ALLOCATED, DOWN, ERROR, FUTURE, UNKNOWN. */
  readonly state: string;
  /** State flags, upper case: DRAIN, NOT_RESPONDING, RESERVED, MAINTENANCE, POWERED_DOWN, PLANNED, ... */
  readonly flags: readonly string[];
  readonly partitions: readonly string[];
  readonly cpus: number;
  readonly allocCpus: number;
  readonly memoryBytes: number;
  readonly allocMemoryBytes: number;
  /** Configured GRES (`gres`), e.g. gpu:a100:4. */
  readonly gres: readonly GresCount[];
  /** GRES in use (`gres_used`). */
  readonly gresUsed: readonly GresCount[];
  readonly reason?: string;
}

/** One running (or completing) job. Resources are totals over all of the job's nodes. */
export interface JobInfo {
  /** Slurm's raw job id: the key everywhere in slurmscope. */
  readonly jobid: string;
  /** What users know: `1234_5` for array tasks, `1234+1` for het components, else the raw id. */
  readonly displayId: string;
  readonly arrayJobId?: string;
  readonly arrayTaskId?: string;
  readonly hetJobId?: string;
  readonly hetJobOffset?: number;
  readonly user: string;
  readonly uid?: number;
  readonly account: string;
  readonly partition: string;
  readonly qos?: string;
  /** Base job state, upper case: RUNNING, COMPLETING, SUSPENDED, ... */
  readonly state: string;
  /** Expanded node names. */
  readonly nodes: readonly string[];
  readonly cpus: number;
  readonly memoryBytes: number;
  readonly gpus: number;
  /** Allocated GPUs by type ("" for untyped). */
  readonly gpusByType: Readonly<Record<string, number>>;
  readonly startTimeMs?: number;
  /** Absent for UNLIMITED. */
  readonly timeLimitSeconds?: number;
  /**
   * When the job will end by its time limit (Slurm's EndTime: for a running job, start + time
   * limit as slurmctld keeps it, suspensions and `scontrol update TimeLimit` included; for a
   * completing job, when it ended). Absent for UNLIMITED and when Slurm knows none; where Slurm
   * printed none but start and limit are known, start + limit.
   */
  readonly endTimeMs?: number;
  /** The node that runs the batch script (squeue's BatchHost, JSON `batch_host`); absent when Slurm gave none. */
  readonly batchHost?: string;
}

/** One partition from `scontrol show partition -o`. */
export interface PartitionInfo {
  readonly name: string;
  /** UP, DOWN, DRAIN or INACTIVE. */
  readonly state: string;
  readonly nodes: readonly string[];
  readonly priorityTier: number;
  /** As Slurm prints it: OFF, REQUEUE, CANCEL, SUSPEND, GANG,SUSPEND, ... */
  readonly preemptMode: string;
  readonly isDefault: boolean;
}

/** The cluster-wide preemption settings from `scontrol show config`. */
export interface PreemptConfig {
  /** e.g. preempt/none, preempt/partition_prio, preempt/qos. */
  readonly type: string;
  readonly mode: string;
  /** Jobs younger than this cannot be preempted. */
  readonly exemptTimeSeconds: number;
}

/** The few `scontrol show config` values ctld uses. */
export interface SlurmConfig {
  readonly clusterName?: string;
  readonly preempt: PreemptConfig;
}

/** Job counts and RPC counters from `sdiag`. */
export interface SdiagInfo {
  readonly jobsPending?: number;
  readonly jobsRunning?: number;
  /** When slurmctld last counted job states (ms since epoch). */
  readonly jobStatesMs?: number;
  /** RPC counts by message type, e.g. REQUEST_JOB_INFO. */
  readonly rpcs: Readonly<Record<string, number>>;
}

/** Everything one poll learned from Slurm. */
export interface SlurmSnapshot {
  /** When the poll started (ms since epoch). */
  readonly timestampMs: number;
  readonly version: SlurmVersion;
  readonly release: string;
  readonly config: SlurmConfig;
  readonly nodes: readonly NodeInfo[];
  readonly partitions: readonly PartitionInfo[];
  /** Running and completing jobs only. */
  readonly jobs: readonly JobInfo[];
  readonly sdiag: SdiagInfo;
}
