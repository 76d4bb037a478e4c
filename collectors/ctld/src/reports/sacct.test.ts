import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ParseError } from '@slurmscope/common';
import {
  parseSacctCpuTime,
  parseSacctRecords,
  parseSacctScripts,
  parseSacctTime,
  sacctRecordArgs,
  sacctScriptArgs,
} from './sacct.js';

const fixture = (name: string): string =>
  readFileSync(new URL(`../../testdata/reports/22.05/${name}`, import.meta.url), 'utf8');

test('parseSacctRecords: the captured 22.05 output, keyed by raw id, step lines skipped', () => {
  const recs = parseSacctRecords(fixture('sacct-P.txt'));
  assert.deepEqual([...recs.keys()].sort(), ['21', '22', '23', '24', '25', '26', '28', '29', '30']);
  assert.deepEqual(recs.get('28'), {
    jobid: '28',
    displayId: '28',
    state: 'FAILED',
    exitCode: '124:0',
    startMs: new Date('2026-11-25T09:19:02').getTime(),
    endMs: new Date('2026-11-25T09:19:07').getTime(),
    elapsedSeconds: 5,
    totalCpuSeconds: 4.71,
  });
  assert.equal(recs.get('29')?.displayId, '22_1');
  assert.equal(recs.get('25')?.displayId, '24+1');
  assert.equal(recs.get('30')?.state, 'CANCELLED', '"CANCELLED by 0" is CANCELLED');
  assert.equal(recs.get('30')?.exitCode, '0:0', "the job's line, not its batch step's 0:15");
  assert.equal(recs.get('21')?.elapsedSeconds, 2);
  assert.equal(recs.get('24')?.totalCpuSeconds, 0.025, 'the het component sums its own steps');
});

test('parseSacctCpuTime: the three shapes sacct prints', () => {
  const cases: [string, number | undefined][] = [
    ['00:04.710', 4.71],
    ['59:59.999', 3599.999],
    ['00:00:00', 0],
    ['12:34:56', 45296],
    ['3-04:05:06', 3 * 86400 + 4 * 3600 + 5 * 60 + 6],
    ['00:07.5', 7.5],
    ['', undefined],
    ['abc', undefined],
    ['1.2.3', undefined],
  ];
  for (const [text, want] of cases) assert.equal(parseSacctCpuTime(text), want, JSON.stringify(text));
});

test('parseSacctRecords: malformed lines', () => {
  const cases: [string, string, RegExp][] = [
    ['too few fields', '7|7|COMPLETED\n', /expected 8 fields/],
    ['the 7 fields of a -X query', '7|7|COMPLETED|0:0|Unknown|Unknown|00:00:00\n', /expected 8 fields/],
    ['not a raw id', '7_1|7_1|COMPLETED|0:0|Unknown|Unknown|00:00:00|00:00:00\n', /JobIDRaw/],
    ['garbage CPU time', '7|7|COMPLETED|0:0|Unknown|Unknown|00:00:00|soon\n', /TotalCPU "soon"/],
  ];
  for (const [name, text, re] of cases) {
    assert.throws(
      () => parseSacctRecords(text),
      (e: unknown) => e instanceof ParseError && re.test(e.message),
      name,
    );
  }
  assert.equal(parseSacctRecords('').size, 0);
  const r = parseSacctRecords('5|5|PENDING|0:0|Unknown|Unknown|00:00:00|00:00:00\n').get('5');
  assert.equal(r?.startMs, undefined);
  assert.equal(parseSacctTime('None'), undefined);
});

test('parseSacctScripts: every script exact, keyed by the JobID sacct prints', () => {
  const scripts = parseSacctScripts(fixture('sacct-B.txt'));
  assert.deepEqual([...scripts.keys()], ['21', '23', '24+0', '24+1', '26', '28', '22_1', '22_2', '30']);
  assert.equal(scripts.get('26'), fixture('script-12.sh'), 'byte-exact, tab and quotes included');
  assert.equal(scripts.get('21'), '#!/bin/sh\n# This script was created by sbatch --wrap.\n\necho hello; sleep 2\n');
  assert.equal(scripts.get('30'), '#!/bin/sh\n# This script was created by sbatch --wrap.\n\nsleep 300\n');
  assert.equal(scripts.get('24+1'), '#!/bin/sh\nexit 0\n', "the het component's own script");
  const only = parseSacctScripts(fixture('sacct-B.txt'), new Set(['22_1', '26']));
  assert.deepEqual([...only.keys()], ['26', '22_1']);
  assert.equal(
    only.get('22_1'),
    '#!/bin/sh\n# This script was created by sbatch --wrap.\n\nsleep 1\n',
    'ends before the next (ignored) header',
  );
  assert.equal(parseSacctScripts('').size, 0);
});

test('sacct arguments: one call for all ids', () => {
  assert.deepEqual(sacctRecordArgs(['7', '13']), [
    '-P',
    '-n',
    '-j',
    '7,13',
    '-o',
    'JobIDRaw,JobID,State,ExitCode,Start,End,Elapsed,TotalCPU',
  ]);
  assert.deepEqual(sacctScriptArgs(['7', '13']), ['-B', '-j', '7,13']);
});
