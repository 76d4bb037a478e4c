import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ctldConfigSchema } from '@slurmscope/common';
import { RecordingLogger } from '@slurmscope/model';
import { createReportService, MAX_RECORD_ATTEMPTS } from './service.js';
import { jobInfo, nodeReport, reportJob, snapshotOf } from './testkit.js';
import type { JobReport } from './types.js';

const captured = fileURLToPath(new URL('../../testdata/reports/22.05/', import.meta.url));
const T = Date.parse('2026-11-25T03:23:00Z');

/** A fake sacct printing the captured 22.05 output; every call's arguments go to calls.log. */
function fakeSacct(mode: 'captured' | 'failing'): { binDir: string; calls: () => string[] } {
  const binDir = mkdtempSync(join(tmpdir(), 'sacct-bin-'));
  const log = join(binDir, 'calls.log');
  const body =
    mode === 'failing'
      ? 'echo "sacct: error: Problem talking to the database: Connection refused" >&2; exit 1'
      : `case " $* " in *" -B "*) cat '${captured}sacct-B.txt' ;; *) cat '${captured}sacct-P.txt' ;; esac`;
  writeFileSync(join(binDir, 'sacct'), `#!/bin/sh\necho "$*" >> '${log}'\n${body}\n`);
  chmodSync(join(binDir, 'sacct'), 0o755);
  writeFileSync(log, '');
  return {
    binDir,
    calls: () =>
      readFileSync(log, 'utf8')
        .split('\n')
        .filter((l) => l !== ''),
  };
}

function config(binDir: string) {
  const dir = mkdtempSync(join(tmpdir(), 'reports-'));
  return ctldConfigSchema.parse({ reports: { dir }, slurm: { binDir, timeout: '5s' } });
}

test('ended jobs: one sacct for records and one for missing scripts per cycle; scripts exact', async () => {
  const sacct = fakeSacct('captured');
  const svc = await createReportService({
    config: config(sacct.binDir),
    log: new RecordingLogger(),
    cluster: 'slurmscope',
  });
  const j21 = jobInfo({ jobid: '21', user: 'root', uid: 0, startTimeMs: T });
  const j26 = jobInfo({ jobid: '26', user: 'root', uid: 0, nodes: ['n3'], startTimeMs: T });
  const j28 = jobInfo({ jobid: '28', user: 'root', uid: 0, nodes: ['n1', 'n2'], cpus: 2, startTimeMs: T });
  const j29 = jobInfo({
    jobid: '29',
    displayId: '22_1',
    arrayJobId: '22',
    arrayTaskId: '1',
    user: 'root',
    uid: 0,
    startTimeMs: T,
  });
  await svc.observe({
    nowMs: T + 30_000,
    snapshot: snapshotOf(T + 30_000, [j21, j26, j28, j29]),
    reports: [
      nodeReport('n1', T + 30_000, [
        reportJob({ jobid: '21', cpuSeconds: 1, energyJoules: 50, script: '#!/bin/sh\nfrom the agent\n' }),
        reportJob({ jobid: '29', cpuSeconds: 1 }),
        reportJob({ jobid: '28', cpus: 1, cpuSeconds: 1.5, script: '#!/bin/sh\nbusy\n' }),
      ]),
      nodeReport('n2', T + 30_000, [reportJob({ jobid: '28', cpus: 1, cpuSeconds: 1.25 })]),
      nodeReport('n3', T + 30_000, [reportJob({ jobid: '26', cpuSeconds: 2 })]),
    ],
  });
  assert.equal(svc.hasScript('21'), true);
  assert.equal(svc.hasScript('26'), false);
  assert.deepEqual(sacct.calls(), [], 'no Slurm call while nothing ended');
  await svc.observe({ nowMs: T + 60_000, snapshot: snapshotOf(T + 60_000, []), reports: [] });
  const calls = sacct.calls();
  assert.equal(calls.length, 2, calls.join('\n'));
  assert.ok(
    calls.includes('-P -n -j 21,26,28,29 -o JobIDRaw,JobID,State,ExitCode,Start,End,Elapsed,TotalCPU'),
    calls.join('\n'),
  );
  assert.ok(calls.includes('-B -j 26,29'), 'scripts only for the jobs no agent sent one for');

  const r26 = await svc.get('26');
  assert.equal(r26?.script, readFileSync(join(captured, 'script-12.sh'), 'utf8'));
  assert.equal(r26?.script_source, 'slurmdbd');
  assert.equal(r26?.state, 'COMPLETED');
  assert.equal(r26?.end_time, new Date('2026-11-25T09:19:02').toISOString());
  assert.equal(r26?.energy_joules, null);
  const r29 = await svc.get('22_1');
  assert.equal(r29?.jobid, '29');
  assert.equal(r29?.array_job, '22_1');
  assert.equal(r29?.script, '#!/bin/sh\n# This script was created by sbatch --wrap.\n\nsleep 1\n');
  const r21 = await svc.get('21');
  assert.equal(r21?.script, '#!/bin/sh\nfrom the agent\n');
  assert.equal(r21?.energy_joules, 50);
  assert.equal(r21?.cpu_seconds, 1, "the agents saw more than sacct's 0.003 s");
  assert.equal(r21?.cpu_seconds_source, 'agents');
  // The agents last sampled 2.75 CPU s; Slurm accounted 4.71 s to the end: the report takes Slurm's.
  const r28 = await svc.get('28');
  assert.equal(r28?.state, 'FAILED');
  assert.equal(r28?.cpu_seconds, 4.71);
  assert.equal(r28?.cpu_seconds_source, 'sacct');
  assert.equal(r28?.cpu_seconds_agents, 2.75);
  assert.equal(r28?.used.cpu_efficiency, 4.71 / (2 * 5), 'over the allocation and sacct Elapsed');
  assert.equal((await svc.list({ user: 'root' })).length, 4);
  const fams = new Map(svc.families().map((f) => [f.name, f.samples]));
  assert.equal(fams.get('slurmscope_reports_written_total')?.[0]?.value, 4);
  assert.equal(fams.get('slurmscope_reports_sacct_calls_total')?.[0]?.value, 2);
  assert.deepEqual(fams.get('slurmscope_report_job_co2_grams'), [], 'no running jobs left');
  await svc.observe({ nowMs: T + 90_000, snapshot: snapshotOf(T + 90_000, []), reports: [] });
  assert.equal(sacct.calls().length, 2, 'nothing pending: no further calls');
  await svc.close();
});

test('without slurmdbd: the report is written after a few cycles with state UNKNOWN', async () => {
  const sacct = fakeSacct('failing');
  const log = new RecordingLogger();
  const svc = await createReportService({ config: config(sacct.binDir), log, cluster: 'c' });
  const j = jobInfo({ jobid: '99', startTimeMs: T });
  await svc.observe({
    nowMs: T + 30_000,
    snapshot: snapshotOf(T + 30_000, [j]),
    reports: [nodeReport('n1', T + 30_000, [reportJob({ jobid: '99', energyJoules: 3.6e6 })], { raplWatts: 200 })],
  });
  const running = new Map(svc.families().map((f) => [f.name, f.samples]));
  assert.deepEqual(running.get('slurmscope_report_job_co2_grams'), [{ labels: { jobid: '99' }, value: 300 }]);
  assert.equal(running.get('slurmscope_cluster_energy_joules_total')?.[0]?.value, 200 * 30);
  assert.equal(running.get('slurmscope_co2_intensity_grams_per_kwh')?.[0]?.value, 300);
  for (let i = 1; i <= MAX_RECORD_ATTEMPTS; i++) {
    assert.equal(await svc.get('99'), undefined, `not yet after ${i - 1} cycles`);
    await svc.observe({ nowMs: T + 30_000 * (i + 1), snapshot: snapshotOf(T, []), reports: [] });
  }
  const r = await svc.get('99');
  assert.equal(r?.state, 'UNKNOWN');
  assert.equal(r?.record_source, 'ctld');
  assert.equal(r?.co2_grams, 300);
  assert.equal(sacct.calls().length, 2 * MAX_RECORD_ATTEMPTS, 'two calls (records, script) per cycle');
  assert.ok(log.records.some((x) => /sacct failed/.test(x.msg)));
});

test('with a mail port: every report written is passed to it once, with or without findings', async () => {
  const sacct = fakeSacct('captured');
  const dir = mkdtempSync(join(tmpdir(), 'reports-'));
  const config = ctldConfigSchema.parse({ reports: { dir }, slurm: { binDir: sacct.binDir, timeout: '5s' } });
  const ended: JobReport[] = [];
  const mail = {
    raised: () => assert.fail('the report service raises nothing'),
    ended: (r: JobReport) => ended.push(r),
  };
  const svc = await createReportService({ config, log: new RecordingLogger(), cluster: 'c', mail });
  const j21 = jobInfo({ jobid: '21', user: 'root', uid: 0, startTimeMs: T });
  const j26 = jobInfo({ jobid: '26', user: 'root', uid: 0, startTimeMs: T });
  await svc.observe({
    nowMs: T + 30_000,
    snapshot: snapshotOf(T + 30_000, [j21, j26]),
    reports: [
      nodeReport('n1', T + 30_000, [
        reportJob({ jobid: '21', cpuSeconds: 0.5, script: '#!/bin/sh\n' }), // 0.5 of 2 CPUs × 2 s: 12 %
        reportJob({ jobid: '26', cpuSeconds: 2, script: '#!/bin/sh\n' }), // 2 of 2 CPUs × 1 s: busy
      ]),
    ],
  });
  await svc.observe({ nowMs: T + 60_000, snapshot: snapshotOf(T + 60_000, []), reports: [] });
  await svc.observe({ nowMs: T + 90_000, snapshot: snapshotOf(T + 90_000, []), reports: [] });
  assert.equal((await svc.list({})).length, 2);
  assert.deepEqual(ended.map((r) => r.jobid).sort(), ['21', '26'], 'each report once, as written');
  assert.equal(ended.find((r) => r.jobid === '21')?.user, 'root');
  await svc.close();
});
