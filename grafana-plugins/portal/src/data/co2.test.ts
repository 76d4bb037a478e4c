import { CO2_OTHERS, co2Frames, co2Note, co2Url } from './co2';
import { col } from './testkit';

const row = (
  jobid: string,
  user: string,
  energy: unknown,
  co2: unknown,
  extra: Record<string, unknown> = {},
): Record<string, unknown> => ({
  jobid,
  displayId: jobid,
  user,
  account: 'physics',
  partition: 'batch',
  end_time: '2026-12-03T12:00:00Z',
  energy_joules: energy,
  co2_grams: co2,
  ...extra,
});

describe('co2Frames', () => {
  test('empty: no rows gives an empty frame with the key field', () => {
    const [f] = co2Frames({ rows: [], total: { energy_joules: 0, co2_grams: 0, jobs: 0 } }, 'user');
    expect(f?.fields.map((x) => x.name)).toEqual(['user', 'energy_joules', 'co2_grams']);
    expect(f?.length).toBe(0);
  });

  test('a job on one node: one row keyed by displayId', () => {
    const [f] = co2Frames({ rows: [row('1240', 'alice', 3.6e6, 120, { displayId: '1234_5' })] });
    expect(col(f, 'jobid')).toEqual(['1234_5']);
    expect(col(f, 'energy_joules')).toEqual([3.6e6]);
    expect(col(f, 'co2_grams')).toEqual([120]);
  });

  test('by user: summed per user, the largest energy first', () => {
    const json = { rows: [row('1', 'alice', 100, 1), row('2', 'bob', 500, 5), row('3', 'alice', 300, 3)] };
    const [f] = co2Frames(json, 'user');
    expect(col(f, 'user')).toEqual(['bob', 'alice']);
    expect(col(f, 'energy_joules')).toEqual([500, 400]);
    expect(col(f, 'co2_grams')).toEqual([5, 4]);
    expect(col(co2Frames(json, 'account')[0], 'account')).toEqual(['physics']);
    expect(col(co2Frames(json, 'partition')[0], 'energy_joules')).toEqual([900]);
  });

  test('2,000 nodes: 2,000 jobs sum per partition exactly', () => {
    const rows = Array.from({ length: 2000 }, (_, i) =>
      row(String(i), `u${i % 7}`, 1000, 0.5, { partition: i % 2 ? 'odd' : 'even' }),
    );
    const [f] = co2Frames({ rows }, 'partition');
    expect(col(f, 'partition')).toEqual(['even', 'odd']);
    expect(col(f, 'energy_joules')).toEqual([1e6, 1e6]);
    expect(col(f, 'co2_grams')).toEqual([500, 500]);
  });

  test('missing fields, nulls and NaN: unmeasured terms are skipped; a key with nothing measured is NaN', () => {
    const [f] = co2Frames(
      { rows: [row('1', 'a', null, null), row('2', 'a', 50, 'x'), row('3', 'b', NaN, undefined), null] },
      'user',
    );
    expect(col(f, 'user')).toEqual(['a', 'b']);
    expect(col(f, 'energy_joules')[0]).toBe(50);
    expect(col(f, 'co2_grams')[0]).toBeNaN();
    expect(col(f, 'energy_joules')[1]).toBeNaN();
    expect(co2Frames(undefined)[0]?.length).toBe(0);
  });

  test('stale answers: rows of a stale answer are still shaped', () => {
    const [f] = co2Frames({ stale: true, snapshotAgeSeconds: 999, rows: [row('9', 'a', 1, 2)] });
    expect(col(f, 'jobid')).toEqual(['9']);
  });
});

describe('co2Frames: the server total and grouped rows', () => {
  test("server-grouped rows ({key,...} from ?by=user) are taken by key; the total matches: no 'others'", () => {
    const json = {
      rows: [
        { key: 'alice', energy_joules: 400, co2_grams: 4, jobs: 2 },
        { key: 'bob', energy_joules: 500, co2_grams: 5, jobs: 1 },
      ],
      rowsOmitted: 0,
      total: { energy_joules: 900, co2_grams: 9, jobs: 3, unmeasured: 0 },
    };
    const [f] = co2Frames(json, 'user');
    expect(col(f, 'user')).toEqual(['bob', 'alice']);
    expect(col(f, 'energy_joules')).toEqual([500, 400]);
    expect(col(f, 'co2_grams')).toEqual([5, 4]);
  });

  test("rows cut at 10,000: an 'others' row carries the difference, so the panel's total is the server's", () => {
    const json = {
      rows: [row('1', 'alice', 100, 1), row('2', 'bob', 300, 3)],
      rowsOmitted: 5,
      total: { energy_joules: 1000, co2_grams: 10, jobs: 7, unmeasured: 0 },
    };
    const [f] = co2Frames(json, 'user');
    expect(col(f, 'user')).toEqual(['bob', 'alice', CO2_OTHERS]);
    expect(col(f, 'energy_joules')).toEqual([300, 100, 600]);
    expect(col(f, 'co2_grams')).toEqual([3, 1, 6]);
    const sum = (c: unknown[]) => c.reduce<number>((a, b) => a + Number(b), 0);
    expect(sum(col(f, 'energy_joules'))).toBe(1000);
    expect(sum(col(f, 'co2_grams'))).toBe(10);
  });

  test('NaN and a smaller or missing total: no others row', () => {
    expect(col(co2Frames({ rows: [row('1', 'a', 100, 1)], total: { energy_joules: 50 } }, 'user')[0], 'user')).toEqual([
      'a',
    ]);
    expect(col(co2Frames({ rows: [row('1', 'a', 100, 1)], total: { energy_joules: NaN } }, 'user')[0], 'user')).toEqual(
      ['a'],
    );
  });
});

describe('co2Note', () => {
  test('unmeasured jobs and omitted rows are said; nothing when all is counted', () => {
    expect(co2Note({ total: { unmeasured: 3 }, rowsOmitted: 0 })).toBe(
      '3 jobs without measured energy are not counted',
    );
    expect(co2Note({ total: { unmeasured: 1 } })).toBe('1 job without measured energy is not counted');
    expect(co2Note({ total: { unmeasured: 0 }, rowsOmitted: 12000 })).toBe(
      `12,000 more rows not listed: counted in the total as "${CO2_OTHERS}"`,
    );
    expect(co2Note({ total: { unmeasured: 0 }, rowsOmitted: 0 })).toBe('');
    expect(co2Note(undefined)).toBe('');
  });
});

describe('co2Url', () => {
  test('by=user; hours only as an integer 1..168 (ctld refuses others with 400)', () => {
    expect(co2Url('/api/v1', 24)).toBe('/api/v1/co2?by=user&hours=24');
    expect(co2Url('/api/v1', 168)).toBe('/api/v1/co2?by=user&hours=168');
    expect(co2Url('/api/v1', 1.5)).toBe('/api/v1/co2?by=user'); // co2Window: 90m
    expect(co2Url('/api/v1', 0.5)).toBe('/api/v1/co2?by=user');
    expect(co2Url('/api/v1', 169)).toBe('/api/v1/co2?by=user');
    expect(co2Url('/api/v1', NaN)).toBe('/api/v1/co2?by=user');
  });
});
