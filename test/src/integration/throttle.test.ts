// Throttling with the real local cluster: Slurm's Prolog/Epilog call `slurmscope hook`, the agent
// of node n1 sees the real job cgroups (its --root links /sys/fs/cgroup and /proc to the real ones)
// and throttles a fixture cpufreq tree (8 threads, siblings 0,4 1,5 2,6 3,7; site cap 3000000 kHz,
// floor 800000): a real job's start restores before it runs, its end lets the cores go back down.
import assert from 'node:assert/strict';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  CLI,
  cancelJob,
  loadStack,
  runSlurm,
  startDaemon,
  submitJob,
  waitFor,
  waitForJobState,
  type Daemon,
} from '../lib/index.js';

const stack = loadStack();
const fixture = fileURLToPath(
  new URL('../../../collectors/node-agent/testdata/throttle/root/sys/devices/system/cpu', import.meta.url),
);
const CAP = 3_000_000;
const FLOOR = 800_000;

test(
  'prolog restores before the job runs, the agent keeps the job cores, epilog lets them go',
  { timeout: 180_000 },
  async (t) => {
    const node = stack.nodes[0]!;
    const dir = mkdtempSync(join(tmpdir(), 'throttle-it-'));
    const root = join(dir, 'root');
    mkdirSync(join(root, 'sys/fs'), { recursive: true });
    mkdirSync(join(root, 'sys/devices/system'), { recursive: true });
    cpSync(fixture, join(root, 'sys/devices/system/cpu'), { recursive: true, verbatimSymlinks: true });
    symlinkSync('/sys/fs/cgroup', join(root, 'sys/fs/cgroup'));
    symlinkSync('/proc', join(root, 'proc'));
    const freqs = (): number[] =>
      [0, 1, 2, 3, 4, 5, 6, 7].map((c) =>
        Number(readFileSync(join(root, `sys/devices/system/cpu/cpu${c}/cpufreq/scaling_max_freq`), 'utf8')),
      );

    const config = join(dir, 'agent.yaml');
    writeFileSync(
      config,
      [
        'interval: 500ms',
        `node: ${node}`,
        `stateDir: ${dir}/state`,
        'prometheus:',
        '  listen: 127.0.0.1:0',
        'gpu:',
        '  mode: "off"',
        'throttle:',
        '  mode: core',
        '  grace: 1s',
        '  prologTimeout: 2m',
        `  socket: ${dir}/run/agent.sock`,
        '',
      ].join('\n'),
    );
    // Slurm runs prolog.d/epilog.d for every node of every job: act for this node only.
    const hooks: string[] = [];
    for (const [which, hookDir] of [
      ['prolog', stack.paths.prologDir],
      ['epilog', stack.paths.epilogDir],
    ] as const) {
      const file = join(hookDir, `50-slurmscope-test-${which}`);
      writeFileSync(
        file,
        `#!/bin/sh\n[ "$SLURMD_NODENAME" = "${node}" ] || exit 0\nexec ${process.execPath} ${CLI} hook ${which} --config ${config} --root ${root}\n`,
      );
      chmodSync(file, 0o755);
      hooks.push(file);
    }
    let agent: Daemon | undefined;
    t.after(async () => {
      for (const f of hooks) rmSync(f, { force: true });
      await agent?.stop();
    });

    agent = startDaemon(['agent', '--config', config, '--root', root], { name: 'agent-throttle', logDir: dir });
    await waitFor(() => freqs().every((f) => f === FLOOR), {
      timeoutMs: 30_000,
      what: `every core of ${node} throttled (no job on it)`,
    });

    // The job records the clocks as it starts: the prolog must have restored them by then.
    const out = join(dir, 'job.out');
    const job = await submitJob(
      {
        script: `#!/bin/sh\nfor f in ${root}/sys/devices/system/cpu/cpu[0-7]/cpufreq/scaling_max_freq; do printf '%s ' "$(cat $f)"; done\necho\ncat /proc/self/status | grep Cpus_allowed_list\nsleep 8\n`,
        nodelist: node,
        ntasks: 1,
        mem: '32M',
        name: 'throttle-it',
        time: '2:00',
        output: out,
      },
      stack,
    );
    t.after(() => cancelJob(job, stack));
    await waitForJobState(job, ['RUNNING'], 60_000, stack);
    const seen = await waitFor(
      () => {
        try {
          const text = readFileSync(out, 'utf8');
          return text.includes('Cpus_allowed_list') ? text : undefined;
        } catch {
          return undefined;
        }
      },
      { timeoutMs: 30_000, what: 'the job output' },
    );
    assert.equal(
      seen.split('\n')[0]!.trim(),
      Array(8).fill(String(CAP)).join(' '),
      'all cores at the cap when the job started',
    );
    const allowed = /Cpus_allowed_list:\s*(\S+)/.exec(seen)![1]!;
    const jobCpus = allowed.split(',').flatMap((r) => {
      const [a, b] = r.split('-').map(Number);
      return Array.from({ length: (b ?? a!) - a! + 1 }, (_, i) => a! + i);
    });

    // While it runs, the free physical cores go back down after the grace; the job's never do.
    const siblings = (c: number): number[] => [c % 4, (c % 4) + 4];
    const held = new Set(jobCpus.flatMap(siblings));
    await waitFor(() => freqs().every((f, c) => (held.has(c) ? f === CAP : f === FLOOR)), {
      timeoutMs: 20_000,
      what: `only the job's cores (${[...held].join(',')}) at the cap while it runs: ${freqs().join(' ')}`,
    });
    await waitForJobState(job, ['COMPLETED'], 60_000, stack);
    await waitFor(() => freqs().every((f) => f === FLOOR), {
      timeoutMs: 20_000,
      what: 'all cores throttled after the job ended',
    });
    const log = await runSlurm('sacct', ['-j', job, '-n', '-P', '-X', '-o', 'State,ExitCode'], stack);
    assert.match(log, /COMPLETED\|0:0/, 'the hooks never failed the job');

    assert.equal(await agent.stop(), 0);
    agent = undefined;
    assert.deepEqual(freqs(), Array(8).fill(CAP), 'the agent restores every core when it stops');
  },
);
