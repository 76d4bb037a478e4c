import type { FindingKind } from '@slurmscope/common';

/** What the advice of a kind may quote about the job (all optional: a live finding knows less). */
export interface AdviceFacts {
  readonly displayId: string;
  /** Memory peak over the job's nodes, bytes (a report's). */
  readonly memoryPeakBytes?: number;
  readonly elapsedSeconds?: number;
  readonly timeLimitSeconds?: number;
  readonly gpus?: number;
}

/** A kind's name as a user reads it: `low_cpu_efficiency` → "low CPU efficiency". */
export const KIND_TITLES: Readonly<Record<FindingKind, string>> = {
  oom_killed: 'processes killed for lack of memory',
  memory_near_limit: 'memory near its limit',
  idle_gpus: 'idle GPUs',
  uneven_load: 'uneven load across nodes',
  low_cpu_efficiency: 'low CPU efficiency',
  memory_over_request: 'much more memory requested than used',
  time_limit_over_request: 'time limit far above the run time',
};

/** Kinds that alone are not worth an immediate mail: they go into the user's daily digest. */
export const DIGEST_ONLY_KINDS: ReadonlySet<FindingKind> = new Set(['memory_over_request', 'time_limit_over_request']);

const GIB = 2 ** 30;

/** A Slurm `--time` value (`D-HH:MM:00`, or `HH:MM:00`) of at least `seconds`, rounded up to 15 minutes. */
export function slurmTime(seconds: number): string {
  const minutes = Math.max(15, Math.ceil(seconds / 60 / 15) * 15);
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  const hm = `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:00`;
  return d > 0 ? `${d}-${hm}` : hm;
}

/** `--mem` for a measured peak with 25 % headroom, in whole GiB (at least 1G). */
export function memRequest(peakBytes: number): string {
  return `${Math.max(1, Math.ceil((peakBytes * 1.25) / GIB))}G`;
}

/**
 * Concrete `sbatch`/`srun` advice for one kind of finding: each line a thing the user can type or
 * check. Pure; the figures it quotes come from `facts` when known.
 */
export function adviceFor(kind: FindingKind, f: AdviceFacts): string[] {
  switch (kind) {
    case 'oom_killed':
      return [
        'Request more memory next time: `#SBATCH --mem=<more>G` (or `--mem-per-cpu`), or process the data in smaller pieces.',
        `What each step used: \`sacct -j ${f.displayId} -o JobID,MaxRSS,ReqMem\`.`,
      ];
    case 'memory_near_limit':
      return [
        'The job is close to its memory limit: at the limit the kernel kills its processes.',
        f.memoryPeakBytes === undefined
          ? 'Request more next time: `#SBATCH --mem=<more>G` (or `--mem-per-cpu`).'
          : `Request more next time: \`#SBATCH --mem=${memRequest(f.memoryPeakBytes)}\` or more.`,
      ];
    case 'idle_gpus':
      return [
        `Request only the GPUs the program uses: \`#SBATCH --gres=gpu:N\`${f.gpus === undefined ? '' : ` (the job holds ${f.gpus})`}.`,
        'Check that the program finds them: run `nvidia-smi` in the job, check CUDA_VISIBLE_DEVICES and the loaded modules.',
        `If the GPUs are not needed, \`scancel ${f.displayId}\` frees them for others.`,
      ];
    case 'uneven_load':
      return [
        'Spread the work over all nodes: `srun --ntasks-per-node=<n>` with a balanced decomposition,',
        'or request fewer nodes (`#SBATCH --nodes=1`) when the program does not run across nodes (no MPI, no srun).',
      ];
    case 'low_cpu_efficiency':
      return [
        'Request the CPUs the program really uses: `#SBATCH --cpus-per-task=<threads>` (`--ntasks=1 --cpus-per-task=1` for a serial program).',
        'Let it use them: `export OMP_NUM_THREADS=$SLURM_CPUS_PER_TASK`, start MPI ranks with `srun`.',
      ];
    case 'memory_over_request':
      return [
        f.memoryPeakBytes === undefined
          ? 'Request less memory: `#SBATCH --mem=<peak + 25 %>`: the job will start sooner.'
          : `Request less memory: \`#SBATCH --mem=${memRequest(f.memoryPeakBytes)}\` (peak + 25 %): the job will start sooner.`,
      ];
    case 'time_limit_over_request':
      return [
        f.elapsedSeconds === undefined
          ? 'Request a time limit closer to the run time (`#SBATCH --time=`): backfill starts shorter jobs sooner.'
          : `Request a time limit closer to the run time: \`#SBATCH --time=${slurmTime(f.elapsedSeconds * 1.5)}\` (run time + 50 %): backfill starts shorter jobs sooner.`,
      ];
  }
}
