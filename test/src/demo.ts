// `slurmscope demo` (and `npm run demo`): the local three-node cluster with an agent per node,
// ctld and a small mixed workload, until SIGINT/SIGTERM; then everything it started is stopped.
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cancelJob, loadStack, slurmEnv, type Stack } from './lib/index.js';
import { startChild, stopChild, tail, waitServing, waitStarted, type Child } from './demo/children.js';
import { demoPaths, writeDemoConfigs } from './demo/configs.js';
import { CPU_WATTS, IDLE_WATTS } from './demo/rapl-sim.js';
import { demoJobs, Workload } from './demo/workload.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const STACK_SCRIPTS = join(ROOT, 'test', 'stack');
const CLI = join(ROOT, 'collectors', 'cli', 'dist', 'main.js');
const RAPL_SIM = fileURLToPath(new URL('./demo/rapl-sim.js', import.meta.url));
/** What `npm ci` links as the `slurmscope` command. */
const CLI_BIN = join(ROOT, 'collectors', 'cli', 'bin', 'slurmscope.js');
/** The demo's ports are 27000 + the stack's offsets (see test/stack/lib.sh), away from the tests' 17000. */
const DEMO_PORT_BASE = '27000';
/**
 * Demo nodes are d1..d3, so their cgroups (slurm_d1 ...) never mix with a test stack's n1..n3
 * ($SLURMSCOPE_DEMO_NODE_PREFIX and $SLURMSCOPE_DEMO_PORT_BASE move a second demo, e.g. the test's).
 */
const DEMO_NODE_PREFIX = 'd';
const TOP_UP_MS = 10_000;

/** Options of `slurmscope demo`. */
export interface DemoOptions {
  /** All of the demo's state: the stack, configs, logs, mail, reports. */
  readonly stateDir: string;
  /** Install missing Debian packages first. */
  readonly install: boolean;
}

/** `<bin>/slurmscope` → this checkout's CLI, so that the `try:` line gives a shell the command. */
function linkCli(bin: string): void {
  mkdirSync(bin, { recursive: true });
  rmSync(join(bin, 'slurmscope'), { force: true });
  symlinkSync(CLI_BIN, join(bin, 'slurmscope'));
}

/** Runs a test/stack script with the demo's settings, output to the terminal; resolves its exit code. */
function stackScript(name: string, stateDir: string, quiet = false): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn('bash', [join(STACK_SCRIPTS, name)], {
      stdio: ['ignore', quiet ? 'pipe' : 'inherit', 'inherit'],
      env: {
        ...process.env,
        SLURMSCOPE_STACK_DIR: stateDir,
        SLURMSCOPE_STACK_PORT_BASE: process.env.SLURMSCOPE_DEMO_PORT_BASE || DEMO_PORT_BASE,
        SLURMSCOPE_STACK_NODE_PREFIX: process.env.SLURMSCOPE_DEMO_NODE_PREFIX || DEMO_NODE_PREFIX,
      },
    });
    child.stdout?.resume();
    child.on('error', () => resolve(127));
    child.on('close', (code) => resolve(code ?? 1));
  });
}

/** Resolves on the first SIGINT or SIGTERM; later ones only say that the demo is stopping. */
function stopRequested(): { promise: Promise<string>; dispose(): void; readonly requested: boolean } {
  let requested = false;
  let resolve: (sig: string) => void = () => undefined;
  const promise = new Promise<string>((r) => (resolve = r));
  const onSignal = (sig: NodeJS.Signals): void => {
    if (requested) {
      console.log(`${sig}: still stopping, please wait`);
      return;
    }
    requested = true;
    resolve(sig);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    promise,
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
    get requested() {
      return requested;
    },
  };
}

/** Starts the agents and ctld, each with its config; fails when one does not come up. */
async function startDaemons(stack: Stack, stateDir: string, children: Child[]): Promise<void> {
  const paths = demoPaths(stateDir);
  writeDemoConfigs(stack, paths);
  const env = slurmEnv(stack);
  // Each daemon with the URL that answers once it serves: the lines the demo prints name them.
  // The simulated RAPL counters first: each agent discovers its zones once, at start.
  const sim = startChild(
    'rapl-sim',
    process.execPath,
    [RAPL_SIM, stack.paths.cgroupRoot, '1000', ...stack.nodes.map((n) => `${n}=${paths.simRoot(n)}`)],
    join(paths.logs, 'rapl-sim.log'),
    env,
  );
  children.push(sim);
  await waitStarted(sim, 20_000);
  const started: [Child, string][] = [
    [
      startChild(
        'ctld',
        process.execPath,
        [CLI, 'ctld', '--config', paths.ctldConfig],
        join(paths.logs, 'ctld.log'),
        env,
      ),
      `${stack.urls.ctld}/`,
    ],
  ];
  for (const node of stack.nodes) {
    const args = [CLI, 'agent', '--config', paths.agentConfig(node), '--node', node, '--root', paths.simRoot(node)];
    started.push([
      startChild(`agent ${node}`, process.execPath, args, join(paths.logs, `agent-${node}.log`), env),
      `http://127.0.0.1:${stack.ports.agents[node]}/metrics`,
    ]);
  }
  children.push(...started.map(([c]) => c));
  await Promise.all(started.map(([c]) => waitStarted(c, 20_000)));
  await Promise.all(started.map(([c, url]) => waitServing(c, url, 60_000)));
}

/**
 * Installs (optionally) and starts the local cluster, the agents and ctld, keeps a small mixed
 * workload running and prints the `ctld:`, `portal:`, `store:`, `mail:` and `try:` lines; on SIGINT/SIGTERM cancels
 * its jobs, stops its children and the stack it started, leaving no process or cgroup behind.
 */
export async function runDemo({ stateDir, install }: DemoOptions): Promise<void> {
  const t0 = Date.now();
  const stop = stopRequested();
  const children: Child[] = [];
  let stackStarted = false;
  let workload: Workload | undefined;
  let timer: NodeJS.Timeout | undefined;
  let failure: unknown;
  try {
    if (install && (await stackScript('install', stateDir)) !== 0) throw new Error('test/stack/install failed');
    stackStarted = (await stackScript('status', stateDir, true)) !== 0;
    if (stop.requested) return;
    if ((await stackScript('start', stateDir)) !== 0) throw new Error('test/stack/start failed');
    if (stop.requested) return;
    const stack = loadStack(stateDir);
    await startDaemons(stack, stateDir, children);
    const wl = new Workload(stack, demoJobs(stack), (line) => console.log(line));
    workload = wl;
    await wl.topUp();
    const say = (line: string): void => void process.stdout.write(`${line}\n`);
    say(`demo up in ${((Date.now() - t0) / 1000).toFixed(1)}s; logs in ${join(stateDir, 'logs')}; Ctrl-C stops it all`);
    say(`ctld: ${stack.urls.ctld}/`);
    say(`portal: ${stack.urls.ctld}/portal/`);
    // The Prometheus-compatible query endpoint the agents and ctld write to, for a Grafana.
    say(`store: ${stack.urls.victoriametrics}/`);
    say(
      `energy: SIMULATED RAPL (${IDLE_WATTS} W + ${CPU_WATTS} W per busy CPU of the node's jobs; the demo's nodes share one host, none has its own powercap): ` +
        `${join(stateDir, 'rapl-sim')}; the reports' energy and CO2e come from it`,
    );
    say(`mail: ${stack.paths.mail}`);
    const paths = demoPaths(stateDir);
    linkCli(paths.bin);
    say(
      `try: export SLURM_CONF=${stack.paths.slurmConf} SLURMSCOPE_CONFIG=${paths.ctldConfig} PATH=${paths.bin}:$PATH`,
    );
    for (const c of children) {
      // The demo goes on without a daemon that died (the cluster is still useful); say so loudly.
      void c.exited.then((code) => {
        if (!stop.requested)
          console.error(`warning: ${c.name} exited (${code}); last lines of ${c.log}:\n${tail(c.log, 5)}`);
      });
    }
    const topUp = (): void => {
      wl.topUp().catch((err: unknown) => console.error(`workload: ${(err as Error).message}`));
      timer = setTimeout(topUp, TOP_UP_MS);
    };
    timer = setTimeout(topUp, TOP_UP_MS);
    const ended = await stop.promise;
    console.log(`\n${ended}: stopping the demo`);
  } catch (err) {
    failure = err;
  } finally {
    clearTimeout(timer);
    await cleanUp({ stateDir, children, workload, stackStarted });
    stop.dispose();
  }
  if (failure !== undefined) throw failure;
}

async function cleanUp(opts: {
  stateDir: string;
  children: Child[];
  workload: Workload | undefined;
  stackStarted: boolean;
}): Promise<void> {
  const { stateDir, children, workload, stackStarted } = opts;
  if (workload && workload.submitted.size > 0) {
    const stack = loadStack(stateDir);
    for (const id of workload.submitted) {
      // A job that already ended makes scancel complain; the stack's stop cancels whatever is left.
      await cancelJob(id, stack).catch((err: unknown) => console.error(`scancel ${id}: ${(err as Error).message}`));
    }
    console.log(`cancelled ${workload.submitted.size} demo job(s)`);
  }
  await Promise.all(children.map((c) => stopChild(c)));
  if (children.length > 0) console.log(`stopped ${children.map((c) => c.name).join(', ')}`);
  if (stackStarted) {
    const code = await stackScript('stop', stateDir);
    if (code !== 0) console.error(`test/stack/stop exited ${code}: see ${join(stateDir, 'logs')}`);
  } else {
    console.log(`the stack in ${stateDir} was running before the demo: left running (test/stack/stop stops it)`);
  }
}
