import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandError, type CommandResult, type RunOptions } from '@slurmscope/common';
import { RecordingLogger } from '@slurmscope/model';
import type { CommandRunner } from './commands.js';
import { slurmFixture } from './parse/fixtures.js';
import { SlurmPoller, pollerFamilies } from './poller.js';

const OUTPUTS: Record<string, string> = {
  'scontrol --version': 'slurm-wlm 22.05.8\n',
  'sinfo --json': slurmFixture('22.05/sinfo.json'),
  'scontrol show partition -o': slurmFixture('22.05/scontrol-partition.txt'),
  'scontrol show config': slurmFixture('22.05/scontrol-config.txt'),
  sdiag: slurmFixture('22.05/sdiag.txt'),
  squeue: slurmFixture('22.05/squeue-running.txt'),
};

/** A fake Slurm: answers from the 22.05 fixtures and records every call. */
function fakeSlurm(overrides: Record<string, string | Error> = {}): {
  run: CommandRunner;
  calls: string[];
  opts: RunOptions[];
} {
  const calls: string[] = [];
  const opts: RunOptions[] = [];
  const run: CommandRunner = async (file, args, o) => {
    const key = file.split('/').pop() === 'squeue' ? 'squeue' : [file.split('/').pop(), ...args].join(' ');
    calls.push([file, ...args].join(' '));
    opts.push(o);
    await new Promise((r) => setTimeout(r, 5));
    const out = overrides[key] ?? OUTPUTS[key];
    if (out instanceof Error) throw out;
    if (out === undefined) throw new CommandError(key, 'exit', 'unexpected command');
    return { stdout: out, stderr: '', code: 0, signal: null } satisfies CommandResult;
  };
  return { run, calls, opts };
}

test('SlurmPoller: one poll parsed in the worker; concurrent callers share it', async () => {
  const fake = fakeSlurm();
  const p = new SlurmPoller({
    timeoutMs: 10_000,
    log: new RecordingLogger(),
    run: fake.run,
    binDir: '/opt/slurm/bin',
    env: { SLURM_CONF: '/x/slurm.conf' },
  });
  try {
    const [a, b] = await Promise.all([p.poll(), p.poll()]);
    assert.equal(a, b);
    assert.equal(a.stale, false, a.error);
    assert.equal(a.result?.snapshot.jobs.length, 6);
    assert.equal(a.result?.availability.partitions.length, 3);
    assert.deepEqual(p.callCounts, { version: 1, nodes: 1, jobs: 1, partitions: 1, config: 1, sdiag: 1 });
    assert.equal(fake.calls.length, 6);
    assert.ok(fake.calls.every((c) => c.startsWith('/opt/slurm/bin/')));
    assert.ok(fake.opts.every((o) => o.env?.['SLURM_CONF'] === '/x/slurm.conf' && o.timeoutMs === 10_000));
    assert.ok(fake.calls.some((c) => c.includes('squeue -h -t RUNNING,COMPLETING -O JobID:0|')));
  } finally {
    await p.close();
  }
});

test('SlurmPoller: a failed poll keeps the last good snapshot and says so', async () => {
  const overrides: Record<string, string | Error> = {};
  const fake = fakeSlurm(overrides);
  const log = new RecordingLogger();
  const p = new SlurmPoller({ timeoutMs: 10_000, log, run: fake.run, useWorker: false });
  const first = await p.poll(1000);
  overrides['squeue'] = new CommandError('squeue', 'timeout', 'no answer within 10000 ms');
  const second = await p.poll(31_000);
  assert.equal(second.stale, true);
  assert.equal(second.result, first.result);
  assert.match(second.error ?? '', /no answer within/);
  assert.equal(p.ageSeconds(61_000), 60);
  assert.equal(p.errors, 1);
  assert.equal(log.records.filter((r) => r.level === 'warn').length, 1);
  const fams = pollerFamilies(p);
  assert.deepEqual(fams.find((f) => f.name === 'slurmscope_slurm_poll_errors_total')?.samples[0]?.value, 1);
  delete overrides['squeue'];
  assert.equal((await p.poll(62_000)).stale, false);
});

test('SlurmPoller: scontrol show config only every Nth poll', async () => {
  const fake = fakeSlurm();
  const p = new SlurmPoller({
    timeoutMs: 10_000,
    log: new RecordingLogger(),
    run: fake.run,
    useWorker: false,
    configEveryPolls: 2,
  });
  for (let i = 0; i < 5; i++) assert.equal((await p.poll()).stale, false);
  assert.equal(p.callCounts.config, 3, 'polls 0, 2, 4');
  assert.equal(p.callCounts.jobs, 5);
  assert.equal(p.callCounts.version, 1);
});

test('SlurmPoller: an unsupported release is an error naming it', async () => {
  const fake = fakeSlurm({ 'scontrol --version': 'slurm 21.08.8\n' });
  const p = new SlurmPoller({ timeoutMs: 10_000, log: new RecordingLogger(), run: fake.run, useWorker: false });
  const s = await p.poll();
  assert.equal(s.stale, true);
  assert.equal(s.result, undefined);
  assert.match(s.error ?? '', /Slurm 21\.08\.8 is not supported/);
});

test('SlurmPoller: 23.02+ reads nodes with scontrol show nodes --json', async () => {
  const fake = fakeSlurm({
    'scontrol --version': 'slurm 24.05.8\n',
    'scontrol show nodes --json': slurmFixture('24.05/nodes.json'),
  });
  const p = new SlurmPoller({ timeoutMs: 10_000, log: new RecordingLogger(), run: fake.run });
  try {
    const s = await p.poll();
    assert.equal(s.stale, false, s.error);
    assert.equal(s.result?.snapshot.version, '24.05');
    assert.ok(!fake.calls.includes('sinfo --json'));
  } finally {
    await p.close();
  }
});

test('SlurmPoller: a parse error in the worker is a failed poll, not a crash', async () => {
  const fake = fakeSlurm({ 'sinfo --json': '{"meta": {}, "nodes": []}' });
  const p = new SlurmPoller({ timeoutMs: 10_000, log: new RecordingLogger(), run: fake.run });
  try {
    const s = await p.poll();
    assert.equal(s.stale, true);
    assert.match(s.error ?? '', /not supported|no meta/i);
  } finally {
    await p.close();
  }
});

/** A bin dir of shell scripts that print the 22.05 fixtures; sdiag insists on SLURM_CONF=/x/slurm.conf. */
function fakeBinDir(squeue = 'cat "$(dirname "$0")/squeue.txt"'): string {
  const dir = mkdtempSync(join(tmpdir(), 'slurmscope-poller-'));
  const files: Record<string, string> = {
    'sinfo.json': slurmFixture('22.05/sinfo.json'),
    'squeue.txt': slurmFixture('22.05/squeue-running.txt'),
    'partition.txt': slurmFixture('22.05/scontrol-partition.txt'),
    'config.txt': slurmFixture('22.05/scontrol-config.txt'),
    'sdiag.txt': slurmFixture('22.05/sdiag.txt'),
  };
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const scripts: Record<string, string> = {
    sinfo: 'cat "$(dirname "$0")/sinfo.json"',
    squeue,
    scontrol: [
      'case "$*" in',
      '  --version) echo "slurm-wlm 22.05.8" ;;',
      '  "show partition -o") cat "$(dirname "$0")/partition.txt" ;;',
      '  "show config") cat "$(dirname "$0")/config.txt" ;;',
      '  *) echo "unexpected: $*" >&2; exit 2 ;;',
      'esac',
    ].join('\n'),
    sdiag:
      '[ "$SLURM_CONF" = /x/slurm.conf ] || { echo "no SLURM_CONF" >&2; exit 1; }\ncat "$(dirname "$0")/sdiag.txt"',
  };
  for (const [name, body] of Object.entries(scripts)) {
    writeFileSync(join(dir, name), `#!/bin/sh\n${body}\n`);
    chmodSync(join(dir, name), 0o755);
  }
  return dir;
}

test('SlurmPoller: without a runner, the worker thread runs the commands (binDir, env) and parses them', async (t) => {
  const dir = fakeBinDir();
  const p = new SlurmPoller({
    timeoutMs: 10_000,
    log: new RecordingLogger(),
    binDir: dir,
    env: { SLURM_CONF: '/x/slurm.conf' },
    configEveryPolls: 2,
  });
  t.after(async () => {
    await p.close();
    rmSync(dir, { recursive: true, force: true });
  });
  for (let i = 0; i < 3; i++) {
    const s = await p.poll(1000 * i);
    assert.equal(s.stale, false, s.error);
    assert.equal(s.result?.snapshot.timestampMs, 1000 * i);
    assert.equal(s.result?.snapshot.jobs.length, 6);
    assert.equal(s.result?.snapshot.config.preempt.type, 'preempt/partition_prio');
    assert.equal(s.result?.availability.partitions.length, 3);
  }
  assert.deepEqual(p.callCounts, { version: 1, nodes: 3, jobs: 3, partitions: 3, config: 2, sdiag: 3 });
});

test('SlurmPoller: a command that fails in the worker is a failed poll naming it', async (t) => {
  const dir = fakeBinDir('echo "slurm_load_jobs error: Socket timed out" >&2; exit 1');
  const env = { SLURM_CONF: '/x/slurm.conf' };
  const p = new SlurmPoller({ timeoutMs: 10_000, log: new RecordingLogger(), binDir: dir, env });
  t.after(async () => {
    await p.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const s = await p.poll();
  assert.equal(s.stale, true);
  assert.match(s.error ?? '', /\/squeue -h -t RUNNING,COMPLETING .*exit 1: slurm_load_jobs error: Socket timed out$/);
});
