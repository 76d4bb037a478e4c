import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ParseError } from '@slurmscope/common';
import { parseSacctRecords, parseSacctScripts, parseSacctTime, sacctRecordArgs, sacctScriptArgs } from './sacct.js';

const fixture = (name: string): string =>
  readFileSync(new URL(`../../testdata/reports/22.05/${name}`, import.meta.url), 'utf8');

test('parseSacctRecords: the captured 22.05 output, keyed by raw id', () => {
  const recs = parseSacctRecords(fixture('sacct-P.txt'));
  assert.deepEqual([...recs.keys()].sort(), ['10', '11', '12', '13', '14', '7', '8', '9']);
  assert.deepEqual(recs.get('9'), {
    jobid: '9',
    displayId: '9',
    state: 'FAILED',
    exitCode: '3:0',
    startMs: new Date('2026-11-25T03:23:02').getTime(),
    endMs: new Date('2026-11-25T03:23:02').getTime(),
    elapsedSeconds: 0,
  });
  assert.equal(recs.get('13')?.displayId, '8_1');
  assert.equal(recs.get('11')?.displayId, '10+1');
  assert.equal(recs.get('14')?.state, 'CANCELLED', '"CANCELLED by 0" is CANCELLED');
  assert.equal(recs.get('7')?.elapsedSeconds, 2);
});

test('parseSacctRecords: malformed lines', () => {
  const cases: [string, string, RegExp][] = [
    ['too few fields', '7|7|COMPLETED\n', /expected 7 fields/],
    ['not a raw id', '7_1|7_1|COMPLETED|0:0|Unknown|Unknown|00:00:00\n', /JobIDRaw/],
  ];
  for (const [name, text, re] of cases) {
    assert.throws(
      () => parseSacctRecords(text),
      (e: unknown) => e instanceof ParseError && re.test(e.message),
      name,
    );
  }
  assert.equal(parseSacctRecords('').size, 0);
  const r = parseSacctRecords('5|5|PENDING|0:0|Unknown|Unknown|00:00:00\n').get('5');
  assert.equal(r?.startMs, undefined);
  assert.equal(parseSacctTime('None'), undefined);
});

test('parseSacctScripts: every script exact, keyed by the JobID sacct prints', () => {
  const scripts = parseSacctScripts(fixture('sacct-B.txt'));
  assert.deepEqual([...scripts.keys()], ['7', '9', '10+0', '8_1', '8_2', '10+1', '12', '14']);
  assert.equal(scripts.get('12'), fixture('script-12.sh'), 'byte-exact, tab and quotes included');
  assert.equal(scripts.get('7'), '#!/bin/sh\n# This script was created by sbatch --wrap.\n\necho hello; sleep 2\n');
  assert.equal(scripts.get('14'), '#!/bin/sh\n# This script was created by sbatch --wrap.\n\nsleep 300\n');
  const only = parseSacctScripts(fixture('sacct-B.txt'), new Set(['8_1', '12']));
  assert.deepEqual([...only.keys()], ['8_1', '12']);
  assert.equal(
    only.get('8_1'),
    '#!/bin/sh\n# This script was created by sbatch --wrap.\n\nsleep 1\n',
    'ends before the next (ignored) header',
  );
  assert.equal(parseSacctScripts('').size, 0);
});

test('sacct arguments: one call for all ids', () => {
  assert.deepEqual(sacctRecordArgs(['7', '13']), [
    '-X',
    '-P',
    '-n',
    '-j',
    '7,13',
    '-o',
    'JobIDRaw,JobID,State,ExitCode,Start,End,Elapsed',
  ]);
  assert.deepEqual(sacctScriptArgs(['7', '13']), ['-B', '-j', '7,13']);
});
