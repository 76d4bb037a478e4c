// The real daemon under load: `slurmscope agent --config <cfg> --root <tree> --node n1` with a 1 s
// interval on a generated tree, /metrics scraped once a second. Reports the cycle CPU the agent
// itself exposes (slurmscope_agent_cycle_cpu_seconds, one value per cycle), the process's whole
// CPU over the run (cycles + scrapes + state file), and its RSS (VmRSS) and peak (VmHWM).
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, httpGet, metricValue, procCpuSeconds, procMemory, summary, waitForHttp } from './stats.mjs';

const CLI = fileURLToPath(new URL('../../collectors/cli/dist/main.js', import.meta.url));

/** Stops `child` with SIGTERM (SIGKILL after 5 s) and resolves with its exit code or signal. */
function stop(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode ?? child.signalCode);
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', (code, signal) => (clearTimeout(timer), resolve(code ?? signal)));
    child.kill('SIGTERM');
  });
}

/**
 * Runs the daemon on `root` for `seconds` s, scraping every second; `work` is a scratch folder.
 * `nodeArgs` are extra flags for node itself (e.g. a V8 heap flag being evaluated); `cli` another
 * build's main.js (e.g. a checkout of the previous commit, for a before/after comparison).
 */
export async function runDaemon({ root, work, seconds = 20, nodeArgs = [], cli = CLI }) {
  const port = await freePort();
  mkdirSync(join(work, 'state'), { recursive: true });
  const config = join(work, 'agent.yaml');
  writeFileSync(
    config,
    [
      'interval: 1s',
      `stateDir: ${join(work, 'state')}`,
      'log:',
      '  level: warn',
      'prometheus:',
      `  listen: 127.0.0.1:${port}`,
      'gpu:',
      '  mode: "off"',
      'slurm:',
      `  spoolDir: ${join(work, 'spool')}`,
      'throttle:',
      `  socket: ${join(work, 'agent.sock')}`,
      '',
    ].join('\n'),
  );
  const args = [...nodeArgs, cli, 'agent', '--config', config, '--root', root, '--node', 'n1'];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
  const alive = () => child.exitCode === null && child.signalCode === null;
  try {
    await waitForHttp(port, '/metrics', 10_000, alive);
    const cpu0 = procCpuSeconds(child.pid);
    const t0 = Date.now();
    const cycles = new Map(); // cycle timestamp -> its CPU seconds, so each cycle counts once
    let scrapes = 0;
    let jobs;
    for (let i = 1; i <= seconds; i++) {
      await new Promise((r) => setTimeout(r, Math.max(0, t0 + i * 1000 - Date.now())));
      const r = await httpGet(port);
      if (r.status !== 200) throw new Error(`/metrics answered ${r.status}`);
      scrapes++;
      const cpu = metricValue(r.body, 'slurmscope_agent_cycle_cpu_seconds');
      const wall = metricValue(r.body, 'slurmscope_agent_cycle_seconds');
      jobs = metricValue(r.body, 'slurmscope_node_jobs');
      if (cpu !== undefined) cycles.set(`${cpu}/${wall}`, { cpu, wall });
    }
    const elapsed = (Date.now() - t0) / 1000;
    const cpu = procCpuSeconds(child.pid) - cpu0;
    const mem = procMemory(child.pid);
    const values = [...cycles.values()];
    return {
      seconds: elapsed,
      scrapes,
      jobs,
      cycleCpu: summary(values.map((v) => v.cpu)),
      cycleWall: summary(values.map((v) => v.wall)),
      processCpuPerSecond: cpu / elapsed,
      ...mem,
      command:
        `node ${nodeArgs.join(' ')} collectors/cli/dist/main.js agent --config ${config} --root ${root} --node n1`.replace(
          /\s+/g,
          ' ',
        ),
    };
  } catch (err) {
    throw new Error(`${err.message}\ndaemon stderr:\n${stderr}`);
  } finally {
    await stop(child);
  }
}
