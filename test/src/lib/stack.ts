import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The local cluster as test/stack/start describes it in `$SLURMSCOPE_STACK_DIR/stack.json`. */
export interface Stack {
  readonly dir: string;
  readonly portBase: number;
  readonly cluster: string;
  readonly host: string;
  /** The three slurmd nodes, e.g. ["n1", "n2", "n3"]. */
  readonly nodes: readonly string[];
  /** Nodes that are configured but never started (always DOWN). */
  readonly ghostNodes: readonly string[];
  readonly partitions: { readonly default: string; readonly preemptable: string };
  readonly ports: {
    readonly smtp: number;
    readonly influxdb: number;
    readonly influxdbRpc: number;
    readonly prometheus: number;
    readonly alertmanager: number;
    readonly mariadb: number;
    readonly victoriametrics: number;
    readonly slurmctld: number;
    /** Reserved for a ctld under test (nothing of the stack listens there). */
    readonly ctld: number;
    readonly slurmdbd: number;
    readonly slurmrestd: number;
    readonly slurmd: Readonly<Record<string, number>>;
    /** Reserved for each node's agent /metrics (nothing of the stack listens there). */
    readonly agents: Readonly<Record<string, number>>;
  };
  readonly urls: {
    readonly victoriametrics: string;
    readonly influxdb: string;
    readonly prometheus: string;
    readonly alertmanager: string;
    readonly slurmrestd: string;
    readonly ctld: string;
  };
  readonly smtp: { readonly host: string; readonly port: number };
  /** InfluxDB 1.6 database created at start. */
  readonly influxdbDatabase: string;
  readonly paths: {
    readonly slurmConf: string;
    readonly envFile: string;
    readonly mail: string;
    readonly logs: string;
    readonly jwtKey: string;
    readonly mungeSocket: string;
    /** slurmd's spool, `%n` standing for the node name. */
    readonly slurmdSpool: string;
    readonly prologDir: string;
    readonly epilogDir: string;
    readonly prometheusRules: string;
    readonly cgroupRoot: string;
  };
}

/** The stack directory used when `SLURMSCOPE_STACK_DIR` is unset. */
export const DEFAULT_STACK_DIR = '/tmp/slurmscope-stack';

/** The stack directory named by the environment (or the default). */
export function stackDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.SLURMSCOPE_STACK_DIR || DEFAULT_STACK_DIR;
}

/** Reads `stack.json` of a started stack; throws with a hint when the stack was never started. */
export function loadStack(dir: string = stackDir()): Stack {
  const file = join(dir, 'stack.json');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`${file}: ${(err as NodeJS.ErrnoException).code ?? 'unreadable'} (run test/stack/start first)`, {
      cause: err,
    });
  }
  const stack = JSON.parse(text) as Stack;
  if (!Array.isArray(stack.nodes) || stack.nodes.length === 0) throw new Error(`${file}: no "nodes"`);
  return stack;
}

/** The environment for Slurm's client commands against this stack (SLURM_CONF set). */
export function slurmEnv(stack: Stack, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...base, SLURM_CONF: stack.paths.slurmConf };
}
