import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SUPPORTED_SLURM_VERSIONS } from '../types.js';
import { parseJobsJson } from './json-jobs.js';
import { slurmFixture } from './fixtures.js';

const YEAR_S = 365 * 24 * 3600;

test('end_time: the real 22.05 capture (start + limit as slurmctld keeps it)', () => {
  const { jobs } = parseJobsJson(slurmFixture('22.05/squeue.json'));
  const end = Object.fromEntries(jobs.map((j) => [j.displayId, j.endTimeMs]));
  assert.deepEqual(end, {
    '1': 1795579804_000,
    '2': 1795578020_000,
    '3_1': 1795662620_000,
    '3_2': 1795662620_000,
    '4+0': 1795579820_000,
    '4+1': 1795579820_000,
  });
});

for (const v of SUPPORTED_SLURM_VERSIONS.filter((x) => x !== '22.05')) {
  test(`end_time: ${v} (a plain number in 23.02, {set, infinite, number} from 23.11)`, () => {
    const { jobs } = parseJobsJson(slurmFixture(`${v}/jobs.json`));
    assert.deepEqual(
      jobs.map((j) => [j.displayId, j.endTimeMs]),
      [
        ['101', 1740004100_000],
        ['100_3', 1740004100_000],
        ['103+0', 1740004100_000],
        // A completing job's end_time is when it ended, not start + limit.
        ['104', 1740001990_000],
      ],
    );
  });
}

/** One running job in a 22.05-style (plain numbers) or 24.11-style ({set, …}) document. */
function doc(shape: 'plain' | 'set', fields: Record<string, unknown>): string {
  const meta =
    shape === 'plain'
      ? {
          plugin: { type: 'openapi/v0.0.38' },
          Slurm: { version: { major: 22, minor: 5, micro: 8 }, release: '22.05.8' },
        }
      : { plugin: { data_parser: 'data_parser/v0.0.42' }, slurm: { release: '24.11.5' } };
  return JSON.stringify({ meta, jobs: [{ job_id: 7, job_state: 'RUNNING', nodes: 'a1', ...fields }] });
}

test('end_time: named cases, with the start + limit fallback and UNLIMITED as none', () => {
  const set = (n: number) => ({ set: true, infinite: false, number: n });
  const cases: Array<[string, 'plain' | 'set', Record<string, unknown>, number | undefined]> = [
    ['plain number', 'plain', { start_time: 1000, time_limit: 60, end_time: 4600 }, 4600_000],
    ['{set, number}', 'set', { start_time: set(1000), time_limit: set(60), end_time: set(4600) }, 4600_000],
    ['end 0: start + limit', 'plain', { start_time: 1000, time_limit: 30, end_time: 0 }, 2800_000],
    [
      'end unset: start + limit',
      'set',
      { start_time: set(1000), time_limit: set(30), end_time: { set: false } },
      2800_000,
    ],
    ['end absent: start + limit', 'plain', { start_time: 1000, time_limit: 30 }, 2800_000],
    ['end NO_VAL: start + limit', 'plain', { start_time: 1000, time_limit: 30, end_time: 4294967294 }, 2800_000],
    [
      'UNLIMITED (22.05: INFINITE, end = start + 1 year): none',
      'plain',
      { start_time: 1000, time_limit: 4294967295, end_time: 1000 + YEAR_S },
      undefined,
    ],
    [
      'UNLIMITED ({infinite: true}): none',
      'set',
      { start_time: set(1000), time_limit: { set: true, infinite: true, number: 0 }, end_time: set(1000 + YEAR_S) },
      undefined,
    ],
    ['no end, no start: none', 'plain', { start_time: 0, time_limit: 30, end_time: 0 }, undefined],
  ];
  for (const [name, shape, fields, want] of cases) {
    assert.equal(parseJobsJson(doc(shape, fields)).jobs[0]?.endTimeMs, want, name);
  }
});
