import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { recordingTransport, testService, until } from '../mail/testkit.js';
import { MIN, T0, cycle, inspectorConfig, makeInspector, twoNodeJob, type NodeFigures } from './testkit.js';

/** The inspector wired to the real mail service (recording transport, clock at the cycle's time). */
function wired(t: TestContext) {
  const clock = { now: T0 };
  const rec = recordingTransport();
  const { svc, stateDir, config } = testService({ transport: rec.transport, now: () => clock.now });
  t.after(async () => {
    await svc.close(0);
    rmSync(stateDir, { recursive: true, force: true });
  });
  const { inspector } = makeInspector({ config: inspectorConfig({ minElapsed: '10m' }), mail: svc });
  assert.equal(config.inspector.minElapsed, 10 * MIN);
  return { clock, rec, inspector };
}

test('hand-off to the real mail service: an OOM kill at minute 3 is mailed at minute 10 while the job runs', async (t) => {
  const { clock, rec, inspector } = wired(t);
  const job = twoNodeJob();
  const oom = (m: number): NodeFigures => ({
    n1: { cpuUtilization: 0.9, oomKills: m < 3 ? 0 : 1 },
    n2: { cpuUtilization: 0.9 },
  });
  for (let m = 0; m <= 9; m++) {
    clock.now = T0 + m * MIN;
    cycle(inspector, m, [job], oom(m));
  }
  assert.deepEqual(
    inspector.active().map((f) => f.kind),
    ['oom_killed'],
  );
  assert.equal(rec.sent.length, 0, 'not before minElapsed');
  clock.now = T0 + 10 * MIN;
  cycle(inspector, 10, [job], oom(10));
  await until(() => rec.sent.length === 1, 'the oom_killed mail');
  assert.match(rec.sent[0]!.subject, /job 7 .*\(running\): oom killed/);
  // Later cycles pass nothing more: one mail per job and kind.
  clock.now = T0 + 11 * MIN;
  cycle(inspector, 11, [job], oom(11));
  await new Promise((r) => setImmediate(r));
  assert.equal(rec.sent.length, 1);
});

test('hand-off: the finding passed carries the elapsed time and cost at hand-off, its raise time kept', (t) => {
  const { inspector, mail } = makeInspector({ config: inspectorConfig({ minElapsed: '10m' }) });
  void t;
  const job = twoNodeJob();
  for (let m = 0; m <= 10; m++)
    cycle(inspector, m, [job], { n1: { cpuUtilization: 0.5, cpus: 2, oomKills: m < 3 ? 0 : 1 }, n2: {} });
  const [f] = mail.raisedCalls;
  assert.deepEqual([f?.kind, (f!.raisedAtMs - T0) / MIN, f?.elapsedSeconds], ['oom_killed', 3, 600]);
  // 10 steps of 60 s, one node of 2 CPUs half idle: 600 idle CPU-seconds.
  assert.ok(Math.abs((f?.cost.idleCpuHours ?? 0) - 600 / 3600) < 1e-9, String(f?.cost.idleCpuHours));
});
