import { co2Frames } from './co2';
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
