import { jobState, submitJob, TERMINAL_STATES, type JobSpec, type Stack } from '../lib/index.js';

/** How long each demo job runs before it ends by itself (its time limit is a bit longer). */
export const JOB_SECONDS = 180;

const burn = `timeout ${JOB_SECONDS} nice -n 10 sh -c 'while :; do :; done'`;

/**
 * The demo's mixed workload on nodes [a, b, c], 2 CPUs each: a CPU-burning 2-task job filling a,
 * an uneven two-node job on b and c (task 0 burns, task 1 sleeps), and a sleeping job on c in the
 * preemptable partition. That leaves one idle CPU on b and one preemptable CPU on c, so a user's
 * own two-node job (batch, the higher tier) starts at once.
 */
export function demoJobs(
  stack: Pick<Stack, 'nodes' | 'partitions'>,
): { readonly kind: string; readonly spec: JobSpec }[] {
  const [a, b, c] = stack.nodes;
  if (!a || !b || !c) throw new Error(`the demo needs three nodes, stack.json lists ${stack.nodes.join(',')}`);
  const time = `${Math.ceil(JOB_SECONDS / 60) + 2}:00`;
  return [
    {
      kind: 'cpu-burn',
      spec: { name: 'demo-burn', nodes: 1, ntasks: 2, mem: '200M', time, nodelist: a, script: job(`srun ${burn}`) },
    },
    {
      kind: 'uneven',
      spec: {
        name: 'demo-uneven',
        nodes: 2,
        ntasks: 2,
        mem: '150M',
        time,
        nodelist: `${b},${c}`,
        extraArgs: ['--ntasks-per-node=1'],
        script: job(
          `srun sh -c 'if [ "$SLURM_PROCID" = 0 ]; then ${burn.replace(/'/g, '"')}; else sleep ${JOB_SECONDS}; fi'`,
        ),
      },
    },
    {
      kind: 'sleep',
      spec: {
        name: 'demo-sleep',
        ntasks: 1,
        mem: '100M',
        time,
        nodelist: c,
        partition: stack.partitions.preemptable,
        script: job(`srun sleep ${JOB_SECONDS}`),
      },
    },
  ];
}

function job(body: string): string {
  return `#!/bin/sh\n# slurmscope demo workload\n${body}\n`;
}

/** Keeps one job of each kind queued or running; every job id it submitted, for the cleanup. */
export class Workload {
  readonly submitted = new Set<string>();
  private readonly current = new Map<string, string>();

  constructor(
    private readonly stack: Stack,
    private readonly jobs: ReturnType<typeof demoJobs>,
    private readonly say: (line: string) => void,
  ) {}

  /** Submits a job of every kind that has none alive (pending, running, requeued ...). */
  async topUp(): Promise<void> {
    for (const { kind, spec } of this.jobs) {
      const id = this.current.get(kind);
      const state = id === undefined ? undefined : await jobState(id, this.stack);
      if (id !== undefined && state !== undefined && !TERMINAL_STATES.includes(state)) continue;
      const next = await submitJob(spec, this.stack);
      this.current.set(kind, next);
      this.submitted.add(next);
      this.say(`workload: ${kind} job ${next}${id === undefined ? '' : ` (after ${id} ${state ?? 'gone'})`}`);
    }
  }
}
