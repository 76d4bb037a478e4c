// The two waits of an ended job are counted apart: cycles waiting for slurmdbd's final record,
// and failed writes of the report. One counter served both: a failed write shortened the wait
// for the record (the report was then written without it), and waiting used up write retries.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ctldConfigSchema } from '@slurmscope/common';
import { RecordingLogger } from '@slurmscope/model';
import type { CommandRunner } from '../slurm/commands.js';
import { createReportService, MAX_RECORD_ATTEMPTS, MAX_WRITE_ATTEMPTS, type ReportService } from './service.js';
import { jobInfo, nodeReport, reportJob, snapshotOf } from './testkit.js';
import type { JobReport, ReportArchive, ReportIndexEntry } from './types.js';

const sacctP = readFileSync(
  fileURLToPath(new URL('../../testdata/reports/22.05/sacct-P.txt', import.meta.url)),
  'utf8',
);
const T = Date.parse('2026-11-25T03:23:00Z');

/** An archive whose first `failures` puts fail (a full disk). */
class FlakyArchive implements ReportArchive {
  puts = 0;
  readonly stored = new Map<string, JobReport>();
  constructor(private failures: number) {}
  put(r: JobReport): Promise<'written'> {
    this.puts++;
    if (this.failures-- > 0) return Promise.reject(new Error('ENOSPC: no space left on device'));
    this.stored.set(r.jobid, r);
    return Promise.resolve('written');
  }
  get = (id: string): Promise<JobReport | undefined> => Promise.resolve(this.stored.get(id));
  owner = (id: string): string | undefined => this.stored.get(id)?.user;
  list = (): Promise<ReportIndexEntry[]> => Promise.resolve([]);
  close = (): Promise<void> => Promise.resolve();
}

/** sacct as captured from Slurm 22.05 for the first `answers` calls, then slurmdbd down. */
function sacct(answers: number): { run: CommandRunner; calls: () => number } {
  let calls = 0;
  const run: CommandRunner = () =>
    ++calls <= answers
      ? Promise.resolve({ stdout: sacctP, stderr: '', code: 0, signal: null })
      : Promise.reject(new Error('sacct: error: Problem talking to the database: Connection refused'));
  return { run, calls: () => calls };
}

/** A service with job 21 (script from its agent) seen running once; `end()` runs one cycle after its end. */
async function ended(
  archive: ReportArchive,
  run: CommandRunner,
): Promise<{ svc: ReportService; end: () => Promise<void> }> {
  const config = ctldConfigSchema.parse({ reports: { dir: mkdtempSync(join(tmpdir(), 'reports-')) } });
  const svc = await createReportService({ config, log: new RecordingLogger(), cluster: 'c', archive, run });
  const j21 = jobInfo({ jobid: '21', user: 'root', uid: 0, startTimeMs: T });
  const t = T + 30_000;
  await svc.observe({
    nowMs: t,
    snapshot: snapshotOf(t, [j21]),
    reports: [nodeReport('n1', t, [reportJob({ jobid: '21', cpuSeconds: 1, script: '#!/bin/sh\n' })])],
  });
  let cycle = 1;
  const end = () => {
    const now = T + 30_000 * ++cycle;
    return svc.observe({ nowMs: now, snapshot: snapshotOf(now, []), reports: [] });
  };
  return { svc, end };
}

const metric = (svc: ReportService, name: string): number | undefined =>
  svc.families().find((f) => f.name === name)?.samples[0]?.value;

test("a failed write does not cut short slurmdbd's record: the retry carries the record, not asked again", async () => {
  const archive = new FlakyArchive(1);
  const slurm = sacct(1);
  const { svc, end } = await ended(archive, slurm.run);
  await end(); // sacct answers COMPLETED; the write fails
  assert.deepEqual([archive.puts, archive.stored.size], [1, 0]);
  assert.equal(metric(svc, 'slurmscope_reports_errors_total'), 1);
  await end(); // slurmdbd is down now: the report is written with the record already seen
  const r = archive.stored.get('21');
  assert.equal(r?.state, 'COMPLETED');
  assert.equal(r?.record_source, 'sacct');
  assert.equal(slurm.calls(), 1, 'slurmdbd asked once');
  assert.equal(metric(svc, 'slurmscope_reports_pending_jobs'), 0);
});

test('waiting for the record does not use up write retries: written after MAX_WRITE_ATTEMPTS - 1 failures', async () => {
  const archive = new FlakyArchive(MAX_WRITE_ATTEMPTS - 1);
  const { svc, end } = await ended(archive, sacct(0).run);
  for (let i = 1; i < MAX_RECORD_ATTEMPTS; i++) await end();
  assert.equal(archive.puts, 0, `no write before ${MAX_RECORD_ATTEMPTS} cycles of waiting for the record`);
  for (let i = 0; i < MAX_WRITE_ATTEMPTS; i++) await end();
  assert.equal(archive.puts, MAX_WRITE_ATTEMPTS);
  assert.equal(archive.stored.get('21')?.state, 'UNKNOWN', 'written without slurmdbd');
  assert.equal(metric(svc, 'slurmscope_reports_errors_total'), MAX_WRITE_ATTEMPTS - 1);
  assert.equal(metric(svc, 'slurmscope_reports_abandoned_total'), 0);
});

test('a report that cannot be written is given up after MAX_WRITE_ATTEMPTS failures, and counted', async () => {
  const archive = new FlakyArchive(Infinity);
  const { svc, end } = await ended(archive, sacct(1).run);
  for (let i = 0; i < MAX_WRITE_ATTEMPTS + 2; i++) await end();
  assert.equal(archive.puts, MAX_WRITE_ATTEMPTS);
  assert.equal(metric(svc, 'slurmscope_reports_abandoned_total'), 1);
  assert.equal(metric(svc, 'slurmscope_reports_pending_jobs'), 0);
  assert.equal(metric(svc, 'slurmscope_reports_tracked_jobs'), 0);
});
