import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isNotFound, processRunning } from '@slurmscope/common';
import { RecordingLogger, waitUntil } from '@slurmscope/model';
import { monitorSource, onceSource } from './gpu-source.js';

// The agent's two GPU sources against a site wrapper whose nvidia-smi hangs in a child process
// (testdata/bin/nvidia-smi-wrapper): neither may wedge, and each failure is one error for the
// agent's slurmscope_collector_errors_total{collector="gpu"} (the sampler adds takeErrors()).
const wrapper = fileURLToPath(new URL('../testdata/bin/nvidia-smi-wrapper', import.meta.url));

function withPids(): { pids: string; env: NodeJS.ProcessEnv; started(): number[]; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'gpu-source-'));
  const pids = join(dir, 'pids');
  const started = (): number[] => {
    try {
      return readFileSync(pids, 'utf8').split('\n').filter(Boolean).map(Number);
    } catch (err) {
      if (isNotFound(err)) return []; // no start yet
      throw err;
    }
  };
  const cleanup = (): void => {
    for (const pid of started()) if (processRunning(pid)) process.kill(pid, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  return { pids, env: { ...process.env, FAKE_NVIDIA_SMI_PIDS: pids }, started, cleanup };
}

/** How these tests poll: every 20 ms, for up to 8 s. */
const poll = { timeoutMs: 8000, intervalMs: 20 };

test(
  '--once: a wrapper hanging in a child gives up at the timeout, one error, its child killed',
  { timeout: 15_000 },
  async () => {
    const p = withPids();
    try {
      const log = new RecordingLogger();
      const t0 = Date.now();
      const source = await onceSource({ command: wrapper, timeoutMs: 300, log, env: p.env });
      assert.ok(Date.now() - t0 < 3000, `took ${Date.now() - t0} ms (the timeout is 300 ms)`);
      assert.equal(source.gpus(), undefined);
      assert.equal(source.takeErrors(), 1);
      assert.equal(log.records.length, 1);
      assert.match(log.records[0]!.msg, /nvidia-smi-wrapper --query-gpu=.*no answer within 300 ms/);
      await waitUntil('the hung child gone', () => p.started().length === 1 && !processRunning(p.started()[0]!), poll);
    } finally {
      p.cleanup();
    }
  },
);

test(
  'daemon: a wrapper hanging in a child is killed and restarted, each restart one error',
  { timeout: 15_000 },
  async () => {
    const p = withPids();
    const log = new RecordingLogger();
    const source = monitorSource({ command: wrapper, intervalMs: 100, timeoutMs: 200, log, env: p.env });
    try {
      // Starts: the loop child, the compute-apps query (also hung), then the loop child again.
      await waitUntil(
        'a restart',
        () => log.records.some((r) => r.msg.includes('hung')) && p.started().length >= 3,
        poll,
      );
      await source.stop();
      await waitUntil('no stuck child left', () => p.started().every((pid) => !processRunning(pid)), poll);
      const warnings = log.records.filter((r) => r.level === 'warn');
      assert.equal(source.takeErrors(), warnings.length, 'each failure one counted error and one log line');
      for (const r of warnings) assert.match(JSON.stringify(r), /nvidia-smi-wrapper/, 'the line names the command');
    } finally {
      await source.stop();
      p.cleanup();
    }
  },
);
