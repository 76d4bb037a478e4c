import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RecordingLogger } from '@slurmscope/model';
import { LocalArchive } from './archive.js';
import { endedSince, entryFromHead, formatIndexLine, indexEntry, parseIndex } from './index-file.js';
import { sampleReport } from './testkit.js';

const T = Date.parse('2026-03-01T12:00:00Z');
const WRITTEN = '2026-03-01T12:00:05.000Z';

/** An index line as ctld wrote it before issue 11: no account, partition, energy or CO2. */
const OLD_LINE = JSON.stringify({
  jobid: '7',
  display_id: '7_1',
  user: 'bob',
  state: 'FAILED',
  end_time: '2026-03-01T11:00:00.000Z',
  written_at: WRITTEN,
});

test('indexEntry: account, partition, energy and CO2 from the report', () => {
  const r = sampleReport({ jobid: '42', user: 'alice', endMs: T });
  assert.ok(r.energy_joules !== null && r.co2_grams !== null, 'the sample measured energy');
  const e = indexEntry(r, Date.parse(WRITTEN));
  assert.deepEqual(e, {
    jobid: '42',
    display_id: '42',
    user: 'alice',
    state: 'COMPLETED',
    end_time: r.end_time,
    written_at: WRITTEN,
    account: r.account,
    partition: r.partition,
    energy_joules: r.energy_joules,
    co2_grams: r.co2_grams,
  });
  assert.deepEqual(parseIndex(formatIndexLine(e)), { entries: [e], corrupt: false }, 'a line reads back as written');
});

test('parseIndex: an old line without the new fields is valid (not corrupt) and reads them as null', () => {
  const r = parseIndex(`${OLD_LINE}\n`);
  assert.equal(r.corrupt, false);
  assert.deepEqual(r.entries, [
    {
      ...JSON.parse(OLD_LINE),
      account: null,
      partition: null,
      energy_joules: null,
      co2_grams: null,
    },
  ]);
  const odd = { ...JSON.parse(OLD_LINE), account: 5, energy_joules: '12', co2_grams: null };
  assert.deepEqual(
    parseIndex(`${JSON.stringify(odd)}\n`).entries.map((e) => [e.account, e.energy_joules]),
    [[null, null]],
    'a field of another type reads as null, the line stays',
  );
});

test('entryFromHead: a whole report gives every field; a head cut before "nodes" gives null energy', () => {
  const r = sampleReport({ jobid: '42', user: 'alice', endMs: T });
  const text = JSON.stringify(r);
  const whole = entryFromHead({ text, complete: true }, '42', Date.parse(WRITTEN));
  assert.deepEqual(whole, indexEntry(r, Date.parse(WRITTEN)));
  const cut = entryFromHead({ text: text.slice(0, text.indexOf('"per_node"')), complete: false }, '42', 0);
  assert.deepEqual(
    [cut?.account, cut?.partition, cut?.energy_joules, cut?.co2_grams],
    [r.account, r.partition, null, null],
  );
});

test('endedSince: entries whose end time is at or after the bound; none without an end time', () => {
  const at = (jobid: string, end: string | null) => ({
    ...parseIndex(`${OLD_LINE}\n`).entries[0]!,
    jobid,
    end_time: end,
  });
  const entries = [
    at('1', '2026-03-01T10:59:59.999Z'),
    at('2', '2026-03-01T11:00:00.000Z'),
    at('3', '2026-03-01T11:30:00.000Z'),
    at('4', null),
  ];
  assert.deepEqual(
    endedSince(entries, Date.parse('2026-03-01T11:00:00Z')).map((e) => e.jobid),
    ['2', '3'],
  );
});

test('an archive with an index of old lines opens without a rebuild and lists energy as null until rebuilt', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'index-compat-'));
  const log = new RecordingLogger();
  const open = (): Promise<LocalArchive> =>
    LocalArchive.open({ dir, cluster: 'c', log, grantRead: () => Promise.resolve(), now: () => Date.parse(WRITTEN) });
  const a = await open();
  const r = sampleReport({ jobid: '42', user: 'alice', endMs: T });
  await a.put(r);
  assert.equal(a.endedSince(T)[0]?.energy_joules, r.energy_joules, 'a new report is indexed with its energy');
  await a.close();
  // The index as an older ctld wrote it: the same entry without the new fields.
  const index = join(dir, 'c', 'index.jsonl');
  const old = JSON.parse(readFileSync(index, 'utf8')) as Record<string, unknown>;
  for (const k of ['account', 'partition', 'energy_joules', 'co2_grams']) delete old[k];
  writeFileSync(index, `${JSON.stringify(old)}\n`);
  const b = await open();
  assert.equal(log.records.filter((x) => /rebuilding/.test(x.msg)).length, 0, 'no rebuild for old lines');
  assert.deepEqual(
    b.endedSince(T).map((e) => [e.jobid, e.user, e.account, e.energy_joules]),
    [['42', 'alice', null, null]],
  );
  assert.equal(b.owner('42'), 'alice');
  await b.close();
  // Rebuilt from the reports (the index lost): the fields come back from each report's head.
  unlinkSync(index);
  const c = await open();
  assert.deepEqual(
    c.endedSince(T).map((e) => [e.account, e.energy_joules, e.co2_grams]),
    [[r.account, r.energy_joules, r.co2_grams]],
  );
  await c.close();
});
