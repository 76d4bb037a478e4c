import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RecordingLogger, type MetricFamily } from '@slurmscope/model';
import { freshnessFamilies } from './api/view.js';
import { availabilityFamilies } from './availability-families.js';
import { ALL_CTLD_FAMILIES, CTLD_FAMILIES } from './metrics.js';
import { slurmFixture } from './slurm/parse/fixtures.js';
import { SlurmPoller, pollerFamilies } from './slurm/poller.js';
import { buildPollResult } from './slurm/snapshot.js';
import { computeWebjobs, webjobsFamilies } from './webjobs.js';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));

/** The families ctld builds from the 22.05 capture: availability, webjobs and the poller's. */
function builtFamilies(): MetricFamily[] {
  const { availability, snapshot } = buildPollResult({
    timestampMs: Date.parse('2026-11-25T03:20:00Z'),
    nodesJson: slurmFixture('22.05/sinfo.json'),
    jobs: slurmFixture('22.05/squeue-running.txt'),
    jobsFormat: 'squeue-text',
    partitions: slurmFixture('22.05/scontrol-partition.txt'),
    config: slurmFixture('22.05/scontrol-config.txt'),
    sdiag: slurmFixture('22.05/sdiag.txt'),
  });
  const poller = new SlurmPoller({ timeoutMs: 1000, log: new RecordingLogger(), useWorker: false });
  return [
    ...availabilityFamilies(availability),
    ...webjobsFamilies(computeWebjobs({ jobs: snapshot.jobs, reports: [], nowMs: snapshot.timestampMs })),
    ...pollerFamilies(poller),
    ...freshnessFamilies(undefined),
  ];
}

/** Every .ts source of the package (tests excluded), as text. */
function sources(dir = SRC): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sources(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [readFileSync(path, 'utf8')] : [];
  });
}

test('CTLD_FAMILIES: every family ctld builds is declared there, as built', () => {
  const declared = new Map(Object.values(CTLD_FAMILIES).map((d) => [d.name, d]));
  assert.equal(declared.size, Object.keys(CTLD_FAMILIES).length, 'names are unique');
  for (const f of builtFamilies()) {
    const desc = { name: f.name, help: f.help, type: f.type, labelNames: f.labelNames };
    assert.deepEqual(desc, declared.get(f.name), f.name);
  }
  for (const d of declared.values()) {
    assert.match(d.name, /^slurmscope_[a-z]+_[a-z0-9_]+$/, d.name);
    assert.equal(
      d.type === 'counter',
      d.name.endsWith('_total'),
      `${d.name}: counters and only counters end in _total`,
    );
  }
});

test("ALL_CTLD_FAMILIES: ctld's own table and the report service's, no name in both", () => {
  const names = ALL_CTLD_FAMILIES.map((d) => d.name);
  assert.equal(new Set(names).size, names.length, 'no family declared twice');
  for (const d of Object.values(CTLD_FAMILIES)) assert.ok(names.includes(d.name), d.name);
  assert.ok(names.includes('slurmscope_report_job_energy_joules'), 'the report families are joined');
});

test('CTLD_FAMILIES: each name is written out in full in the sources (a grep finds its definition)', () => {
  const text = sources().join('\n');
  const names = new Set([...ALL_CTLD_FAMILIES.map((d) => d.name), ...builtFamilies().map((f) => f.name)]);
  for (const name of names) assert.ok(text.includes(`'${name}'`), `${name} is not written out in full`);
});
