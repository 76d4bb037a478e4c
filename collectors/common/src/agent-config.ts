import { z } from 'zod/v3';
import { durationBetween, influxSection, listenAddress, logSection } from './schema-parts.js';

/**
 * The node agent's configuration (`/etc/slurmscope/agent.yaml`). Every key has its default here
 * and nowhere else; `collectors/cli/sample-agent.yaml` shows them all.
 */
export const agentConfigSchema = z.strictObject({
  /**
   * Sampling interval of the agent's cycle (100ms to 5m; below 1s for tests). At most 5m: a RAPL
   * counter wraps after ~15 min at 300 W, and two wraps in one interval look like one.
   */
  interval: durationBetween('100ms', '5m').default('10s'),
  /** Slurm node name this agent measures; default the short hostname. */
  node: z.string().min(1).optional(),
  /** Filesystem root under which /sys and /proc are read (tests use a fixture tree). */
  root: z.string().min(1).default('/'),
  /** Directory for the agent's state file (per-job accumulators) and spool. */
  stateDir: z.string().min(1).default('/var/lib/slurmscope'),
  log: logSection,
  /** The /metrics endpoint (always on). */
  prometheus: z
    .strictObject({
      /** Address to bind; the scrape needs it reachable from Prometheus. */
      listen: listenAddress.default('0.0.0.0:9817'),
    })
    .default({}),
  influxdb: influxSection,
  /** The node report sent to ctld every cycle. Off while `url` is absent. */
  ctld: z
    .strictObject({
      /** ctld's base URL, e.g. "https://ctld.example:9818". */
      url: z.string().url().optional(),
      /** File holding the agents' bearer token; or env SLURMSCOPE_AGENT_TOKEN. */
      tokenFile: z.string().optional(),
      /**
       * Allow a plain http:// url to a host beyond loopback (the token and batch scripts then
       * cross the network in clear text); without it such a url stops the agent at start (exit 2).
       */
      allowInsecure: z.boolean().default(false),
      /** Timeout of one report (100ms to 10m); a slow ctld never delays sampling. */
      timeout: durationBetween('100ms', '10m').default('5s'),
    })
    .default({}),
  /** NVIDIA GPUs through nvidia-smi. */
  gpu: z
    .strictObject({
      /** auto: use nvidia-smi when it exists; off: never run it. */
      mode: z.enum(['auto', 'off']).default('auto'),
      /** nvidia-smi executable (name on PATH or absolute path). */
      nvidiaSmi: z.string().min(1).default('nvidia-smi'),
      /** Longest wait for a reading before the GPU part of a cycle is skipped (100ms to 10m). */
      timeout: durationBetween('100ms', '10m').default('5s'),
    })
    .default({}),
  /** Where slurmd keeps its spool (batch scripts are read from there for job reports). */
  slurm: z
    .strictObject({
      /** slurmd's SlurmdSpoolDir (%n is replaced by the node name). */
      spoolDir: z.string().min(1).default('/var/spool/slurmd'),
    })
    .default({}),
  /** Lowering the clock of cores that no job holds. */
  throttle: z
    .strictObject({
      /** off: never; node: when no job is on the node; core: every core no job holds. */
      mode: z.enum(['off', 'node', 'core']).default('off'),
      /** max_freq: lower scaling_max_freq to the floor; governor: switch to "powersave". */
      method: z.enum(['max_freq', 'governor']).default('max_freq'),
      /** How long a core must be free of jobs before it is throttled (0ms to 1d). */
      grace: durationBetween('0ms', '1d').default('60s'),
      /** Floor frequency in kHz; absent = each core's cpuinfo_min_freq. */
      floorKHz: z.number().int().positive().optional(),
      /** After a prolog, cores stay untouched until the job's cgroup came and went, or this long (1s to 1d). */
      prologTimeout: durationBetween('1s', '1d').default('5m'),
      /** Local socket of the hooks (root-only). */
      socket: z.string().min(1).default('/run/slurmscope/agent.sock'),
    })
    .default({}),
});

/** The agent's validated configuration; durations are in milliseconds. */
export type AgentConfig = z.output<typeof agentConfigSchema>;
