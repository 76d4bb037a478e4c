import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeWebjobs } from '../webjobs.js';
import { nodeReport, reportJob } from '../reports/testkit.js';
import { makeInspector, MIN, T0, twoNodeJob } from './testkit.js';
import type { RaisedFinding } from './types.js';

test('observeSteps: 2,000 jobs are judged in slices (the API answers between them), with the same findings as observe', () => {
  const jobs = Array.from({ length: 2000 }, (_, i) => twoNodeJob({ jobid: String(100 + i) }));
  const nowMs = T0 + 30 * MIN;
  const reports = ['n1', 'n2'].map((node, k) =>
    nodeReport(
      node,
      nowMs,
      jobs.map((j) => reportJob({ jobid: j.jobid, cpuUtilization: k === 0 ? 0.97 : 0.03 })),
    ),
  );
  const webjobs = computeWebjobs({ jobs, reports, nowMs });
  const at = (minute: number) => ({ nowMs: T0 + minute * MIN, cluster: 'c', jobs, webjobs, reports });
  const paced = makeInspector().inspector;
  const whole = makeInspector().inspector;
  let pauses = 0;
  let result: RaisedFinding[] | undefined;
  for (let minute = 10; minute <= 21; minute++) {
    const steps = paced.observeSteps(at(minute));
    for (let r = steps.next(); ; r = steps.next()) {
      if (r.done === true) {
        result = r.value;
        break;
      }
      pauses++;
    }
    whole.observe(at(minute));
  }
  assert.ok(pauses >= 12 * Math.floor(2000 / 128), `paused ${pauses} times`);
  assert.equal(result?.length, 2000, 'every uneven job raised');
  assert.deepEqual(result, whole.active());
});
