/** Which utilization colours the cells: the job's CPU on each node, or the mean of its GPUs there. */
export type Metric = 'cpu' | 'gpu';

/** Row order: most uneven first, most idle first, or by job id. */
export type SortMode = 'uneven' | 'idle' | 'jobid';

/** The options of the webjobs panel (defaults in {@link DEFAULT_OPTIONS}). */
export interface WebjobsOptions {
  /** The utilization shown in the cells. */
  metric: Metric;
  /** The order of the rows. */
  sort: SortMode;
  /** Below this ratio (0..1) a cell is idle (red); from here up to `goodThreshold` low (orange). */
  lowThreshold: number;
  /** From this ratio (0..1) up a cell is well used (green). */
  goodThreshold: number;
  /** Link of a row; `${jobid}` and `${user}` are replaced (URL-encoded), then dashboard variables. Empty: no link. */
  urlTemplate: string;
  /** Show the job's user in the row label (when the data has a user field). */
  showUser: boolean;
  /** Name of the job id field (jobs frame and findings frame). */
  jobidField: string;
  /** Name of the node field. */
  nodeField: string;
  /** Name of the CPU utilization field (0..1). */
  cpuField: string;
  /** Name of the GPU utilization field (0..1). */
  gpuField: string;
  /** Name of the user field. */
  userField: string;
  /** Name of the memory used field (bytes). */
  memField: string;
  /** Name of the finding kind field (findings frame). */
  kindField: string;
}

/** The defaults of every option: one place, used by module.tsx and the tests. */
export const DEFAULT_OPTIONS: WebjobsOptions = {
  metric: 'cpu',
  sort: 'uneven',
  lowThreshold: 0.25,
  goodThreshold: 0.75,
  urlTemplate: '',
  showUser: true,
  jobidField: 'jobid',
  nodeField: 'node',
  cpuField: 'cpu_util',
  gpuField: 'gpu_util',
  userField: 'user',
  memField: 'mem_used_bytes',
  kindField: 'kind',
};
