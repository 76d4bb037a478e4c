import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CommandError, isNotFound, processRunning } from '@slurmscope/common';
import { RecordingLogger, waitUntil } from '@slurmscope/model';
import { NvidiaSmiMonitor } from './gpu.js';
import { queryComputeAppsOnce, queryGpusOnce, readNvidiaGpuInfo } from './gpu-query.js';

const testdata = (name: string): string => fileURLToPath(new URL(`../../testdata/${name}`, import.meta.url));
const bin = (name: string): string => testdata(`bin/${name}`);
/** How the monitor tests poll: every 20 ms, for up to 5 s. */
const poll = { timeoutMs: 5000, intervalMs: 20 };

const monitors: NvidiaSmiMonitor[] = [];
function monitor(opts: Partial<ConstructorParameters<typeof NvidiaSmiMonitor>[0]> & { command: string }) {
  const logger = new RecordingLogger();
  const m = new NvidiaSmiMonitor({ intervalMs: 100, appsIntervalMs: 0, logger, ...opts });
  monitors.push(m);
  m.start();
  return { m, logger };
}
afterEach(async () => {
  await Promise.all(monitors.splice(0).map((m) => m.stop()));
});

/** The pids nvidia-smi-wrapper recorded, one per start (killed here after the test, should any survive). */
function wrapperPids(file: string): number[] {
  try {
    return readFileSync(file, 'utf8').split('\n').filter(Boolean).map(Number);
  } catch (err) {
    if (isNotFound(err)) return []; // no start yet
    throw err;
  }
}
function killLeftovers(file: string): void {
  for (const pid of wrapperPids(file)) if (processRunning(pid)) process.kill(pid, 'SIGKILL');
}

describe('NvidiaSmiMonitor', () => {
  test('loop mode: latest block of the H100 capture, refreshed every period', async () => {
    const { m } = monitor({ command: bin('nvidia-smi'), env: { ...process.env, FAKE_NVIDIA_SMI_FIXTURE: 'h100' } });
    await waitUntil('first block', () => m.latest() !== undefined, poll);
    const first = m.latest();
    assert.equal(first?.value.length, 8);
    assert.equal(first?.value[0]?.name, 'NVIDIA H100 80GB HBM3');
    assert.ok((first?.ageMs ?? Infinity) < 1000);
    await waitUntil('a newer block', () => (m.latest()?.at ?? 0) > (first?.at ?? 0), poll);
    assert.equal(m.latest()?.value.length, 8);
    assert.equal(m.takeErrors(), 0);
  });

  test('compute apps polled in the background', async () => {
    const { m } = monitor({ command: bin('nvidia-smi'), appsIntervalMs: 100 });
    await waitUntil('apps', () => m.latestApps() !== undefined, poll);
    assert.deepEqual(
      m.latestApps()?.value.map((a) => a.pid),
      [7201, 7101, 7301],
    );
  });

  test('stale readings are absent', async () => {
    const { m } = monitor({ command: bin('nvidia-smi'), staleMs: 10_000 });
    await waitUntil('first block', () => m.latest() !== undefined, poll);
    const at = m.latest()?.at ?? 0;
    assert.equal(m.latest(at + 10_001), undefined);
    assert.ok(m.latest(at + 9_999));
  });

  test('a hung nvidia-smi never blocks, reads as absent, and is killed and restarted', async () => {
    const { m, logger } = monitor({
      command: bin('nvidia-smi-hang'),
      staleMs: 300,
      backoffMs: { initial: 50, max: 100 },
    });
    const t0 = Date.now();
    assert.equal(m.latest(), undefined);
    assert.ok(Date.now() - t0 < 50, 'latest() returns at once');
    await waitUntil('hang detected', () => logger.records.some((r) => r.msg.includes('hung')), poll);
    await waitUntil('restart', () => m.running, poll);
    assert.ok(m.takeErrors() >= 1);
    assert.equal(m.latest(), undefined);
  });

  test('hung in a child of a wrapper: its group is killed and restarted with backoff, one error and one line per restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'smi-'));
    const pids = join(dir, 'pids');
    try {
      const { m, logger } = monitor({
        command: bin('nvidia-smi-wrapper'),
        staleMs: 300,
        backoffMs: { initial: 50, max: 200 },
        env: { ...process.env, FAKE_NVIDIA_SMI_PIDS: pids },
      });
      await waitUntil('three starts', () => wrapperPids(pids).length >= 3, poll);
      await m.stop();
      const started = wrapperPids(pids);
      await waitUntil('every stuck child gone', () => started.every((pid) => !processRunning(pid)), poll);
      const restarts = logger.records.filter((r) => r.level === 'warn' && r.msg.includes('hung'));
      assert.ok(restarts.length >= started.length - 1 && restarts.length <= started.length, `${restarts.length} lines`);
      const fields = restarts.map((r) => r.fields as { command?: string; restartInMs?: number });
      for (const f of fields) assert.match(f.command ?? '', /nvidia-smi-wrapper --query-gpu=/);
      assert.equal(m.takeErrors(), restarts.length, 'one counted error per restart');
      const delays = fields.map((f) => f.restartInMs);
      assert.deepEqual(delays.slice(0, 3), [50, 100, 200].slice(0, delays.length), 'exponential backoff');
    } finally {
      killLeftovers(pids);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("a wrapper's child left holding stdout after nvidia-smi died is killed, and nvidia-smi restarted", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'smi-'));
    const pids = join(dir, 'pids');
    try {
      const { m, logger } = monitor({
        command: bin('nvidia-smi-wrapper'),
        staleMs: 60_000,
        backoffMs: { initial: 20, max: 40 },
        env: { ...process.env, FAKE_NVIDIA_SMI_PIDS: pids, FAKE_WRAPPER_THEN: bin('nvidia-smi-dies') },
      });
      await waitUntil('three starts', () => wrapperPids(pids).length >= 3, poll);
      const earlier = wrapperPids(pids).slice(0, 2);
      await waitUntil(
        'the stuck children of earlier starts gone',
        () => earlier.every((pid) => !processRunning(pid)),
        poll,
      );
      assert.equal(m.latest()?.value.length, 4, 'the block printed before dying is kept');
      assert.ok(logger.records.some((r) => r.msg.includes('GPU is lost')));
      assert.ok(m.takeErrors() >= 2);
    } finally {
      killLeftovers(pids);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('garbage lines are counted and logged once; valid blocks still come through', async () => {
    const { m, logger } = monitor({ command: bin('nvidia-smi-garbage'), intervalMs: 50 });
    await waitUntil('block', () => m.latest()?.value.length === 4, poll);
    await waitUntil(
      'several garbage lines',
      () => logger.records.filter((r) => r.msg.includes('unexpected line')).length >= 3,
      poll,
    );
    const garbage = logger.records.filter((r) => r.msg.includes('unexpected line'));
    assert.equal(garbage.filter((r) => r.level === 'warn').length, 1);
    assert.ok(m.takeErrors() >= 3);
    assert.equal(m.latest()?.value[0]?.uuid, 'GPU-1d5f7a3c-6a0e-2c41-8b4d-3e2f9c7a5b10');
  });

  test('a child that dies is restarted with backoff, its last block kept', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'smi-'));
    try {
      const starts = join(dir, 'starts');
      const { m, logger } = monitor({
        command: bin('nvidia-smi-dies'),
        backoffMs: { initial: 20, max: 80 },
        env: { ...process.env, FAKE_NVIDIA_SMI_STARTS: starts },
      });
      await waitUntil(
        'three starts',
        () => {
          try {
            return readFileSync(starts, 'utf8').split('\n').length > 3;
          } catch (err) {
            if (isNotFound(err)) return false; // the fake has not started yet
            throw err;
          }
        },
        poll,
      );
      assert.equal(m.latest()?.value.length, 4);
      assert.ok(logger.records.some((r) => r.msg.includes('GPU is lost')));
      assert.ok(m.takeErrors() >= 2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a missing nvidia-smi is an error, retried, never a crash', async () => {
    const { m, logger } = monitor({ command: testdata('bin/no-such-tool'), backoffMs: { initial: 20, max: 40 } });
    await waitUntil('two failures', () => logger.records.filter((r) => r.msg.includes('ENOENT')).length >= 2, poll);
    assert.equal(m.latest(), undefined);
  });

  test('stop() ends the child', async () => {
    const { m } = monitor({ command: bin('nvidia-smi') });
    await waitUntil('running', () => m.latest() !== undefined, poll);
    await m.stop();
    assert.equal(m.running, false);
    const at = m.latest()?.at;
    await new Promise((r) => setTimeout(r, 250));
    assert.equal(m.latest()?.at, at, 'no block after stop');
  });
});

describe('one-shot queries', () => {
  test('GPUs', async () => assert.equal((await queryGpusOnce(bin('nvidia-smi'), 5000)).length, 4));
  test('compute apps', async () => assert.equal((await queryComputeAppsOnce(bin('nvidia-smi'), 5000)).length, 3));
  test('hung tool times out', async () =>
    assert.rejects(
      queryGpusOnce(bin('nvidia-smi-hang'), 200),
      (e: unknown) => e instanceof CommandError && e.kind === 'timeout',
    ));
});

describe('driver information files', () => {
  test('minor numbers by PCI address', () => {
    const { infos, errors } = readNvidiaGpuInfo(testdata('root-gpu'));
    assert.deepEqual(errors, []);
    assert.deepEqual(infos.map((i) => [i.pciBusId, i.minor]).sort(), [
      ['0000:07:00.0', 2],
      ['0000:0f:00.0', 3],
      ['0000:47:00.0', 0],
      ['0000:4e:00.0', 1],
    ]);
  });
  test('no driver: nothing', () => assert.deepEqual(readNvidiaGpuInfo(testdata('root-v1')), { infos: [], errors: [] }));
});
