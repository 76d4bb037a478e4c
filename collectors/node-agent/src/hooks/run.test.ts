import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { validate, type AgentConfig } from '@slurmscope/common';
import { RecordingLogger } from '@slurmscope/model';
import { throttleStatePath } from '../throttle/state.js';
import { CAP, copyFixture, FLOOR, held, makeThrottler, maxFreqs, type FixtureCopy } from '../throttle/test-helpers.js';
import { runHook } from './run.js';
import { startHookServer } from './server.js';

const C = CAP;
const F = FLOOR;

describe('runHook', () => {
  let fx: FixtureCopy;
  let config: AgentConfig;
  const env = { SLURM_JOB_ID: '42', SLURMD_NODENAME: 'n1' };
  beforeEach(() => {
    fx = copyFixture();
    config = validate(
      'agent',
      { stateDir: join(fx.dir, 'state'), throttle: { mode: 'core', socket: join(fx.dir, 'run/agent.sock') } },
      '(test)',
    );
    assert.equal(throttleStatePath(config.stateDir, 'n1'), fx.stateFile);
  });
  afterEach(() => fx.cleanup());

  /** Throttles every core of the copy, as an agent would after the grace. */
  function throttleAll(): ReturnType<typeof makeThrottler> {
    const th = makeThrottler(fx);
    th.t.update(held([]));
    th.clock.advance(60_000);
    th.t.update(held([]));
    assert.deepEqual(maxFreqs(fx.root), Array(8).fill(F));
    return th;
  }

  /** Gives job 42 a cgroup v2 folder with cpuset `cpus`. */
  function jobCgroup(cpus: string): void {
    const cg = join(fx.root, 'sys/fs/cgroup');
    mkdirSync(join(cg, 'system.slice/slurmstepd.scope/job_42/step_extern'), { recursive: true });
    writeFileSync(join(cg, 'cgroup.controllers'), 'cpuset cpu io memory hugetlb pids rdma misc\n');
    writeFileSync(join(cg, 'system.slice/slurmstepd.scope/job_42/cpuset.cpus.effective'), `${cpus}\n`);
  }

  test("prolog asks the agent with the job's cpuset; the agent restores those cores", async () => {
    const { t } = throttleAll();
    jobCgroup('2');
    const server = await startHookServer({
      socketPath: config.throttle.socket,
      handler: t,
      log: new RecordingLogger(),
    });
    try {
      assert.equal(await runHook('prolog', { config, root: fx.root, env, log: new RecordingLogger() }), 0);
      assert.deepEqual(maxFreqs(fx.root), [F, F, C, F, F, F, C, F]);
      assert.equal(await runHook('epilog', { config, root: fx.root, env, log: new RecordingLogger() }), 0);
    } finally {
      await server.close();
    }
  });

  test('prolog without an agent restores from the state file itself, within the time limit', async () => {
    throttleAll();
    const log = new RecordingLogger();
    const t0 = performance.now();
    assert.equal(await runHook('prolog', { config, root: fx.root, env, log }), 0);
    assert.ok(performance.now() - t0 < 1000);
    assert.deepEqual(maxFreqs(fx.root), Array(8).fill(C), 'cgroup unknown: the whole node, back to the cap');
    assert.ok(log.records.some((r) => /agent not reachable/.test(r.msg)));
  });

  test('prolog fallback with a known cpuset restores that core and its sibling', async () => {
    throttleAll();
    jobCgroup('3');
    assert.equal(await runHook('prolog', { config, root: fx.root, env, log: new RecordingLogger() }), 0);
    assert.deepEqual(maxFreqs(fx.root), [F, F, F, C, F, F, F, C]);
  });

  test('epilog without an agent does nothing and succeeds; mode off and a bad environment never fail', async () => {
    throttleAll();
    const log = new RecordingLogger();
    assert.equal(await runHook('epilog', { config, root: fx.root, env, log }), 0);
    assert.deepEqual(maxFreqs(fx.root), Array(8).fill(F));
    const off = validate(
      'agent',
      { stateDir: config.stateDir, throttle: { mode: 'off', socket: config.throttle.socket } },
      '(test)',
    );
    assert.equal(await runHook('prolog', { config: off, root: fx.root, env, log }), 0);
    assert.deepEqual(maxFreqs(fx.root), Array(8).fill(F), 'off: the hook leaves /sys alone');
    assert.equal(await runHook('prolog', { config, root: fx.root, env: {}, log }), 0);
    assert.ok(log.records.some((r) => r.level === 'error' && /SLURM_JOB_ID/.test(r.msg)));
  });
});
