// Yardsticks beside the agent: Debian's prometheus-node-exporter with its default collectors
// (CPU per scrape, RSS), a bare Node HTTP server (RSS), and Node with the agent's modules
// imported and nothing run (RSS): what the runtime and the code cost before any work.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { freePort, httpGet, procCpuSeconds, procMemory, waitForHttp } from './stats.mjs';

/** Where Debian's package installs the exporter. */
export const NODE_EXPORTER = '/usr/bin/prometheus-node-exporter';

function kill(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

async function withServer(cmd, args, fn) {
  const port = await freePort();
  const child = spawn(cmd, args(port), { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-2000)));
  const alive = () => child.exitCode === null && child.signalCode === null;
  try {
    return await fn(port, child, alive);
  } catch (err) {
    throw new Error(`${cmd}: ${err.message}\nstderr:\n${stderr}`);
  } finally {
    await kill(child);
  }
}

/** CPU per scrape over `scrapes` scrapes after one warm-up scrape, and memory, of node_exporter. */
export async function nodeExporter({ scrapes = 20 } = {}) {
  if (!existsSync(NODE_EXPORTER))
    return { skipped: `${NODE_EXPORTER} is not installed (apt-get install prometheus-node-exporter)` };
  return withServer(
    NODE_EXPORTER,
    (port) => [`--web.listen-address=127.0.0.1:${port}`],
    async (port, child, alive) => {
      const warm = await waitForHttp(port, '/metrics', 10_000, alive);
      const cpu0 = procCpuSeconds(child.pid);
      for (let i = 0; i < scrapes; i++) {
        const r = await httpGet(port);
        if (r.status !== 200) throw new Error(`/metrics answered ${r.status}`);
      }
      const cpu = procCpuSeconds(child.pid) - cpu0;
      return {
        scrapes,
        cpuPerScrape: cpu / scrapes,
        exposition: {
          bytes: warm.body.length,
          series: warm.body.split('\n').filter((l) => l && !l.startsWith('#')).length,
        },
        ...procMemory(child.pid),
        command: `${NODE_EXPORTER} --web.listen-address=127.0.0.1:<port>`,
      };
    },
  );
}

const BARE_SERVER = `require('node:http').createServer((q, s) => s.end('ok\\n')).listen(Number(process.argv[1]), '127.0.0.1')`;

/** RSS of a bare Node HTTP server after one request. */
export async function bareNodeServer() {
  return withServer(
    process.execPath,
    (port) => ['-e', BARE_SERVER, String(port)],
    async (port, child, alive) => {
      await waitForHttp(port, '/', 10_000, alive);
      return { ...procMemory(child.pid), command: `node -e "http.createServer(...).listen(port)"` };
    },
  );
}

const IMPORT_ONLY = fileURLToPath(new URL('./import-only.mjs', import.meta.url));

/** RSS of Node with the CLI and the agent's modules imported and an HTTP server answering, no sampling. */
export async function importOnly() {
  return withServer(
    process.execPath,
    (port) => [IMPORT_ONLY, String(port)],
    async (port, child, alive) => {
      await waitForHttp(port, '/', 10_000, alive);
      return { ...procMemory(child.pid), command: 'node bench/agent/import-only.mjs' };
    },
  );
}

const MODULES = fileURLToPath(new URL('./modules.mjs', import.meta.url));

/** Resident bytes each of the agent's dependencies adds when imported (modules.mjs). */
export function moduleCosts() {
  const r = spawnSync(process.execPath, ['--expose-gc', MODULES], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`modules.mjs failed (${r.status}): ${r.stderr}`);
  return { ...JSON.parse(r.stdout), command: 'node --expose-gc bench/agent/modules.mjs' };
}
