import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitUntil } from '@slurmscope/model';

const main = fileURLToPath(new URL('./main.js', import.meta.url));
const agentTestdata = fileURLToPath(new URL('../../node-agent/testdata/', import.meta.url));
const cli = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  spawnSync(process.execPath, [main, ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, ...env },
    timeout: 20_000,
  });

test('--help works for every subcommand', () => {
  for (const args of [
    ['--help'],
    ['agent', '--help'],
    ['ctld', '--help'],
    ['report', '--help'],
    ['hook', '--help'],
    ['demo', '--help'],
  ]) {
    const r = cli(args);
    assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stdout, /Usage: slurmscope/, args.join(' '));
  }
});

test('bad config: exit 2 and one line naming the file and the key, no stack trace', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cli-'));
  const bad = join(dir, 'bad.yaml');
  writeFileSync(bad, 'interval: 10s\nthrottle:\n  mode: node\n  flooorKHz: 800000\n');
  for (const args of [
    ['agent', '--config', bad],
    ['agent', '--once', '--config', bad],
    ['hook', 'prolog', '--config', bad],
  ]) {
    const r = cli(args);
    assert.equal(r.status, 2, args.join(' '));
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`${bad}: key "throttle.flooorKHz": unknown key`));
  }
  const yaml = join(dir, 'broken.yaml');
  writeFileSync(yaml, 'interval: "10s\n');
  const r = cli(['ctld', '--once', '--config', yaml]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /broken\.yaml: invalid YAML/);
  const env = cli(['report', '1'], { SLURMSCOPE_CONFIG: join(dir, 'missing.yaml') });
  assert.equal(env.status, 2);
  assert.match(env.stderr, /missing\.yaml: cannot read config file \(ENOENT\)/);
});

test('unknown options and subcommands are usage errors (exit 2)', () => {
  assert.equal(cli(['agent', '--bogus']).status, 2);
  assert.equal(cli(['frobnicate']).status, 2);
  assert.equal(cli(['hook', 'middle']).status, 2);
});

test('agent --once on the fixture tree prints the golden exposition, writes no state', () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'cli-state-'));
  const config = join(stateDir, 'agent.yaml');
  writeFileSync(config, `stateDir: /var/lib/slurmscope\n`);
  const r = cli([
    'agent',
    '--once',
    '--config',
    config,
    '--root',
    join(agentTestdata, 'root-node'),
    '--node',
    'n1',
    '--nvidia-smi',
    join(agentTestdata, 'bin/nvidia-smi'),
  ]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, readFileSync(join(agentTestdata, 'golden/agent-once.prom'), 'utf8'));
  assert.equal(existsSync(join(stateDir, 'agent-n1.json')), false);
});

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

test('agent daemon: serves /metrics, reaches the second sample, saves its state on SIGTERM', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cli-daemon-'));
  const port = await freePort();
  const config = join(dir, 'agent.yaml');
  writeFileSync(
    config,
    `interval: 300ms\nstateDir: ${dir}/state\nprometheus:\n  listen: 127.0.0.1:${port}\ngpu:\n  mode: "off"\nthrottle:\n  socket: ${dir}/agent.sock\n`,
  );
  const child = spawn(
    process.execPath,
    [main, 'agent', '--config', config, '--root', join(agentTestdata, 'root-node'), '--node', 'n1'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  try {
    // Connection errors while the daemon starts count as "not yet".
    const scrape = async (): Promise<string | undefined> => {
      const res = await fetch(`http://127.0.0.1:${port}/metrics`);
      const body = await res.text();
      return /slurmscope_job_cpu_utilization_ratio\{jobid="42",node="n1"\} 0\b/.test(body) ? body : undefined;
    };
    const text = await waitUntil('utilization on /metrics', () => scrape().catch(() => undefined), {
      timeoutMs: 10_000,
      intervalMs: 100,
    });
    assert.match(text, /slurmscope_job_cpu_seconds_total\{jobid="42",node="n1"\} 73\.4182/);
    assert.match(text, /slurmscope_agent_cycle_cpu_seconds\{node="n1"\}/);
  } finally {
    child.kill('SIGTERM');
  }
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  assert.equal(code, 0, stderr);
  const state = JSON.parse(readFileSync(join(dir, 'state/agent-n1.json'), 'utf8')) as {
    node: string;
    jobs: Record<string, unknown>;
  };
  assert.equal(state.node, 'n1');
  assert.deepEqual(Object.keys(state.jobs).sort(), ['42', '43']);
  assert.match(stderr, /agent stopped/);
});
