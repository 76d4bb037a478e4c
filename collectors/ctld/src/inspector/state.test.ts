import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  mkdirSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  MIN,
  T0,
  UNEVEN,
  cycle,
  inspectorConfig,
  makeInspector,
  runMinutes,
  twoNodeJob,
  type NodeFigures,
} from './testkit.js';

function stateFile(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'inspector-state-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'inspector', 'state.json');
}

test('restart: a raised and mailed finding is neither forgotten nor repeated; totals go on', (t) => {
  const file = stateFile(t);
  const job = twoNodeJob();
  const first = makeInspector({ stateFile: file });
  runMinutes(first.inspector, [0, 20], [job], UNEVEN);
  assert.equal(first.mail.raisedCalls.length, 1);
  assert.equal(statSync(file).mode & 0o777, 0o600, 'the state file is 0600');
  const second = makeInspector({ stateFile: file });
  assert.deepEqual(
    second.inspector.active().map((f) => [f.kind, (f.raisedAtMs - T0) / MIN]),
    [['uneven_load', 20]],
    'loaded: active again',
  );
  runMinutes(second.inspector, [21, 40], [job], UNEVEN);
  assert.equal(second.inspector.active().length, 1, 'not raised a second time');
  assert.equal(second.mail.raisedCalls.length, 0, 'not mailed a second time');
  const total = second.inspector.families()[1]?.samples.find((s) => s.labels['kind'] === 'uneven_load');
  assert.equal(total?.value, 1, 'slurmscope_findings_total kept across the restart');
});

test('restart: a sustain under way goes on from its start; a raised, not yet mailed finding is mailed once', (t) => {
  const file = stateFile(t);
  const job = twoNodeJob();
  const config = inspectorConfig({ minElapsed: '30m' });
  const oom = (m: number): NodeFigures => (m < 5 ? UNEVEN : { ...UNEVEN, n1: { ...UNEVEN['n1'], oomKills: 1 } });
  const first = makeInspector({ stateFile: file, config });
  runMinutes(first.inspector, [0, 15], [job], oom);
  assert.deepEqual(
    first.inspector.active().map((f) => f.kind),
    ['oom_killed'],
  );
  const second = makeInspector({ stateFile: file, config });
  runMinutes(second.inspector, [16, 35], [job], oom);
  assert.deepEqual(
    second.inspector.active().map((f) => [f.kind, (f.raisedAtMs - T0) / MIN]),
    [
      ['oom_killed', 5],
      ['uneven_load', 20],
    ],
    'uneven_load at 20: the sustain from minute 10 survived the restart',
  );
  assert.deepEqual(
    second.mail.raisedCalls.map((f) => f.kind),
    ['oom_killed', 'uneven_load'],
    'both passed once, at minute 30 (minElapsed)',
  );
  assert.equal(first.mail.raisedCalls.length, 0);
});

test('state: written only when something changed', (t) => {
  const file = stateFile(t);
  const { inspector } = makeInspector({ stateFile: file });
  const job = twoNodeJob();
  runMinutes(inspector, [0, 5], [job], UNEVEN);
  assert.equal(existsSync(file), false, 'nothing noticed yet (grace): nothing written');
  cycle(inspector, 10, [job], UNEVEN);
  const written = statSync(file).mtimeMs;
  const text = readFileSync(file, 'utf8');
  writeFileSync(file, text); // a marker: rewritten files would lose the mtime below
  const marker = statSync(file).mtimeMs;
  cycle(inspector, 10.5, [job], UNEVEN);
  assert.equal(statSync(file).mtimeMs, marker, 'the sustain goes on: not written within the minute');
  assert.ok(written > 0);
  assert.match(text, /"uneven_load":\{"heldMs":0,/);
  cycle(inspector, 11, [job], UNEVEN);
  assert.match(readFileSync(file, 'utf8'), /"uneven_load":\{"heldMs":60000,/, 'a minute later: the time held written');
});

test('a corrupt state file is logged with its path, moved aside, and ctld starts empty', (t) => {
  const file = stateFile(t);
  const cases: [string, string][] = [
    ['truncated JSON', '{"version":1,"totals":{},"jobs":[{"jobid":"7"'],
    ['another version', '{"version":2,"totals":{},"jobs":[]}'],
    ['a malformed job', '{"version":1,"totals":{},"jobs":[{"jobid":7}]}'],
  ];
  for (const [name, text] of cases) {
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, text);
    const { inspector, log } = makeInspector({ stateFile: file });
    assert.deepEqual(inspector.active(), [], name);
    const rec = log.records.find((r) => r.msg.includes('corrupt inspector state'));
    const fields = (rec?.fields ?? {}) as { file?: string; movedTo?: string };
    assert.equal(rec?.level, 'error', name);
    assert.equal(fields.file, file, name);
    const aside = String(fields.movedTo);
    assert.equal(readFileSync(aside, 'utf8'), text, `${name}: kept aside`);
    assert.equal(existsSync(file), false, name);
    runMinutes(inspector, [0, 20], [twoNodeJob()], UNEVEN);
    assert.equal(inspector.active().length, 1, `${name}: works on`);
    assert.ok(existsSync(file), `${name}: a new state written`);
    rmSync(aside);
  }
  assert.deepEqual(
    readdirSync(join(file, '..')).filter((f) => f.includes('corrupt')),
    [],
  );
});

test('restart after an hour of downtime does not raise at once', (t) => {
  const file = stateFile(t);
  const job = twoNodeJob();
  const first = makeInspector({ stateFile: file });
  runMinutes(first.inspector, [0, 15], [job], UNEVEN);
  assert.deepEqual(first.inspector.active(), [], 'held 10..15: 5 of the 10 min sustain');
  const second = makeInspector({ stateFile: file });
  runMinutes(second.inspector, [75, 76], [job], UNEVEN);
  assert.deepEqual(second.inspector.active(), [], 'the hour down counts 3 min (the cap), not 60');
  cycle(second.inspector, 77, [job], UNEVEN);
  assert.deepEqual(
    second.inspector.active().map((f) => [f.kind, (f.raisedAtMs - T0) / MIN]),
    [['uneven_load', 77]],
    '5 + 3 + 1 + 1 min held',
  );
});

test("a state file with the first release's `since` loads; those sustains restart", (t) => {
  const file = stateFile(t);
  mkdirSync(join(file, '..'), { recursive: true });
  const entry = {
    jobid: '7',
    displayId: '7',
    user: 'alice',
    account: 'physics',
    partition: 'batch',
    since: { uneven_load: T0 },
    oomSeen: { n1: 1 },
    cost: { idleCpuSeconds: 0, idleGpuSeconds: 0, cpuMeasured: false, gpuMeasured: false, energy: {} },
    raised: [],
    mailed: [],
    lastSeenMs: T0,
  };
  writeFileSync(file, JSON.stringify({ version: 1, totals: {}, jobs: [entry] }));
  const { inspector, log } = makeInspector({ stateFile: file });
  assert.equal(log.records.filter((r) => r.level === 'error').length, 0);
  runMinutes(inspector, [60, 69], [twoNodeJob()], UNEVEN);
  assert.deepEqual(inspector.active(), [], 'the old start (minute 0) is not taken: held 60..69 is 9 min');
  cycle(inspector, 70, [twoNodeJob()], UNEVEN);
  assert.equal(inspector.active().length, 1);
});

test('restart: the cost so far is written within a minute', (t) => {
  const file = stateFile(t);
  const job = twoNodeJob();
  const figures = (m: number): NodeFigures => ({ n1: { cpus: 2, cpuUtilization: 0.5, oomKills: m < 1 ? 0 : 1 } });
  const first = makeInspector({ stateFile: file });
  runMinutes(first.inspector, [0, 5], [job], figures);
  const second = makeInspector({ stateFile: file });
  // 5 steps of 60 s, 2 CPUs half idle: 300 idle CPU-seconds, all written by minute 5 (not only minute 1's 60).
  const cost = second.inspector.active()[0]?.cost.idleCpuHours ?? 0;
  assert.ok(Math.abs(cost - 300 / 3600) < 1e-9, String(cost));
});

test('a failed write of the state leaves no temporary file and is logged', (t) => {
  const file = stateFile(t);
  // A non-empty directory where the file should be: the rename over it fails.
  mkdirSync(join(file, 'x'), { recursive: true });
  const { inspector, log } = makeInspector({ stateFile: file });
  runMinutes(inspector, [0, 20], [twoNodeJob()], UNEVEN);
  assert.ok(log.records.some((r) => r.level === 'error' && r.msg.includes('cannot write the inspector state')));
  assert.deepEqual(
    readdirSync(join(file, '..')).filter((f) => f !== 'state.json'),
    [],
    'no temporary file left beside it',
  );
});
