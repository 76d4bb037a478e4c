import { jobState, submitJob, TERMINAL_STATES, type JobSpec, type Stack } from '../lib/index.js';

/** How long each demo job runs before it ends by itself (its time limit is a bit longer). */
export const JOB_SECONDS = 180;
/** How long the CPU-only job that ends early runs: its report (energy, CO2e) appears within a minute. */
export const EARLY_SECONDS = 30;

// `timeout` ends the burn with status 124; `|| true` makes that the job's planned end (COMPLETED, not FAILED).
const burnFor = (seconds: number): string => `timeout ${seconds} nice -n 10 sh -c 'while :; do :; done' || true`;
const burn = burnFor(JOB_SECONDS);

/** One kind of demo job. */
export interface DemoJob {
  readonly kind: string;
  readonly spec: JobSpec;
  /** Submitted once, never topped up. */
  readonly once?: boolean;
  /** Submitted only once the job of this kind runs (it takes that job's CPU: preemption). */
  readonly preempts?: string;
}

/**
 * The demo's mixed workload on nodes [a, b, c], 2 CPUs each: a balanced job (2 tasks burning both
 * CPUs of a), an uneven two-node job on b and c (task 0 burns, task 1 sleeps), a sleeping job on c
 * in the preemptable partition (scavenger, the lower tier, PreemptMode=REQUEUE), and once, as soon
 * as that one runs, a CPU-only batch job on c that preempts it (Slurm requeues it) and ends after
 * EARLY_SECONDS (its report comes while the rest run). b keeps an idle CPU and c a preemptable one,
 * so a user's own two-node job (batch, the higher tier) starts at once or after the early job.
 * The stack's two ghost nodes (never started, in batch) are the down nodes.
 */
export function demoJobs(stack: Pick<Stack, 'nodes' | 'partitions'>): DemoJob[] {
  const [a, b, c] = stack.nodes;
  if (!a || !b || !c) throw new Error(`the demo needs three nodes, stack.json lists ${stack.nodes.join(',')}`);
  const time = `${Math.ceil(JOB_SECONDS / 60) + 2}:00`;
  return [
    {
      kind: 'balanced',
      spec: {
        name: 'demo-balanced',
        nodes: 1,
        ntasks: 2,
        mem: '200M',
        time,
        nodelist: a,
        script: job(`srun sh -c "${burn}"`),
      },
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
    {
      kind: 'early',
      once: true,
      preempts: 'sleep',
      spec: {
        name: 'demo-early',
        nodes: 1,
        ntasks: 1,
        mem: '100M',
        time: '2:00',
        nodelist: c,
        script: job(`srun sh -c "${burnFor(EARLY_SECONDS)}"`),
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
    private readonly jobs: readonly DemoJob[],
    private readonly say: (line: string) => void,
  ) {}

  /**
   * Submits a job of every kind that has none alive (pending, running, requeued ...); a `once` kind
   * only the first time, a `preempts` kind only while its victim runs.
   */
  async topUp(): Promise<void> {
    for (const { kind, spec, once, preempts } of this.jobs) {
      const id = this.current.get(kind);
      if (once === true && id !== undefined) continue;
      const state = id === undefined ? undefined : await jobState(id, this.stack);
      if (id !== undefined && state !== undefined && !TERMINAL_STATES.includes(state)) continue;
      const victim = preempts === undefined ? undefined : this.current.get(preempts);
      if (preempts !== undefined && (victim === undefined || (await jobState(victim, this.stack)) !== 'RUNNING')) {
        continue;
      }
      const next = await submitJob(spec, this.stack);
      this.current.set(kind, next);
      this.submitted.add(next);
      const why = victim !== undefined ? ` (preempts ${preempts} job ${victim})` : '';
      this.say(`workload: ${kind} job ${next}${id === undefined ? '' : ` (after ${id} ${state ?? 'gone'})`}${why}`);
    }
  }
}
