import { createDataFrame, DataFrame, FieldType } from '@grafana/data';
import { Co2Options, DEFAULT_OPTIONS, withDefaults } from '../types';
import { Co2Shape, shapeCo2, totalAriaLabel } from './shape';

const KWH = 3.6e6;
type Column = { name: string; type?: FieldType; values: unknown[] };

/** A frame from named columns; the type is guessed from the first value unless given. */
function frame(...columns: Column[]): DataFrame {
  return createDataFrame({
    fields: columns.map((c) => ({
      name: c.name,
      type: c.type ?? (typeof c.values[0] === 'number' ? FieldType.number : FieldType.string),
      values: c.values,
    })),
  });
}

/** One row per job: ids, kWh and grams. */
function jobs(ids: Array<string | number>, kwh: number[], grams: number[], extra: Column[] = []): DataFrame {
  return frame(
    { name: 'jobid', values: ids },
    { name: 'energy_joules', values: kwh.map((k) => k * KWH) },
    { name: 'co2_grams', values: grams },
    ...extra,
  );
}

function shape(frames: DataFrame[], options: Partial<Co2Options> = {}): Co2Shape {
  const r = shapeCo2(frames, withDefaults(options));
  if (!r.ok) {
    throw new Error(`expected a shape, got the message: ${r.message}`);
  }
  return r.value;
}

function message(frames: DataFrame[] | undefined, options: Partial<Co2Options> = {}): string {
  const r = shapeCo2(frames, withDefaults(options));
  if (r.ok) {
    throw new Error('expected a message, got a shape');
  }
  return r.message;
}

describe('shapeCo2', () => {
  test('empty: no frames, a frame without fields, a frame without rows', () => {
    expect(message([])).toBe('No data: the query result is empty.');
    expect(message(undefined)).toBe('No data: the query result is empty.');
    expect(message([frame()])).toBe('No data: the query result is empty.');
    expect(message([jobs([], [], [])])).toBe('No data: the query result has no rows.');
  });

  test('one row: total, one bar at full length, no others, words in the aria-label', () => {
    const s = shape([jobs([42], [1.2], [480])]);
    expect(s.total).toMatchObject({ energyJoules: 1.2 * KWH, co2Grams: 480, keys: 1, keysText: '1 job' });
    expect(s.total.energyText).toBe('1.2 kWh');
    expect(s.total.co2Text).toBe('480 g');
    expect(s.bars).toHaveLength(1);
    expect(s.bars[0]).toMatchObject({
      key: '42',
      label: 'job 42',
      fraction: 1,
      ariaLabel: 'job 42: 1.2 kWh, 480 g CO2e',
    });
    expect(s.others).toBeUndefined();
    expect(s.skipped).toBeUndefined();
    expect(totalAriaLabel(s, 'over the last 24 hours')).toBe('total: 1.2 kWh, 480 g CO2e over the last 24 hours');
  });

  test('2,000 rows: top N by CO2e, the rest as "others (K more)", totals over all rows', () => {
    const ids = Array.from({ length: 2000 }, (_, i) => 1000 + i);
    // CO2e rises with the id, so the top 10 are the last ten ids, largest first
    const s = shape([
      jobs(
        ids,
        ids.map(() => 0.5),
        ids.map((_, i) => i + 1),
      ),
    ]);
    expect(s.bars.map((b) => b.key)).toEqual([
      '2999',
      '2998',
      '2997',
      '2996',
      '2995',
      '2994',
      '2993',
      '2992',
      '2991',
      '2990',
    ]);
    expect(s.others?.count).toBe(1990);
    expect(s.others?.label).toBe('others (1,990 more)');
    expect(s.others?.co2Grams).toBe((1990 * 1991) / 2);
    expect(s.total.co2Grams).toBe((2000 * 2001) / 2);
    expect(s.total.energyText).toBe('1.0 MWh');
    expect(s.total.keysText).toBe('2,000 jobs');
    // bars are scaled to the largest job; the others (1,981,045 g against 2,000 g) are capped and flagged
    expect(s.bars[0]?.fraction).toBe(1);
    expect(s.bars[9]?.fraction).toBeCloseTo(1991 / 2000, 9);
    expect(s.others).toMatchObject({ fraction: 1, offScale: true });
    expect(
      shape(
        [
          jobs(
            ids,
            ids.map(() => 0.5),
            ids.map((_, i) => i + 1),
          ),
        ],
        { topN: 3 },
      ).bars,
    ).toHaveLength(3);
  });

  test('others smaller than the largest key: drawn to scale, not flagged', () => {
    const s = shape([jobs([1, 2, 3], [1, 1, 1], [100, 30, 20])], { topN: 1 });
    expect(s.others).toMatchObject({ count: 2, co2Grams: 50, fraction: 0.5, offScale: false });
  });

  test('rows of the same key are summed (e.g. one row per job and node)', () => {
    const s = shape([jobs([7, 7, 8], [1, 2, 1], [100, 200, 50])]);
    expect(s.bars.map((b) => [b.key, b.co2Grams])).toEqual([
      ['7', 300],
      ['8', 50],
    ]);
    expect(s.total.keys).toBe(2);
  });

  test('missing fields: a message naming the field and what the frame has', () => {
    const noCo2 = frame({ name: 'jobid', values: ['1'] }, { name: 'energy_joules', values: [1] });
    expect(message([noCo2])).toBe(
      'Missing field "co2_grams" (number) in the query result; it has "jobid", "energy_joules".',
    );
    const noKey = frame({ name: 'user', values: ['alice'] }, { name: 'energy_joules', values: [1] });
    expect(message([noKey])).toMatch(
      /^Missing field "jobid" \(string\) in the query result; it has "user", "energy_joules"\. Set "Key field"/,
    );
  });

  test('wrong type: a text column where numbers belong is named', () => {
    const f = frame(
      { name: 'jobid', values: ['1'] },
      { name: 'energy_joules', values: ['lots'] },
      { name: 'co2_grams', values: [1] },
    );
    expect(message([f])).toBe('Field "energy_joules" in the query result holds string values, not numbers.');
  });

  test('NaN: rows without a number are left out and counted; none left is a message', () => {
    const s = shape([jobs([1, 2, 3], [1, NaN, 2], [10, 20, NaN])]);
    expect(s.bars.map((b) => b.key)).toEqual(['1']);
    expect(s.skipped).toBe('2 rows without a number in "energy_joules" or "co2_grams" were left out');
    const nulls = frame(
      { name: 'jobid', values: ['1'] },
      { name: 'energy_joules', type: FieldType.number, values: [null] },
      { name: 'co2_grams', type: FieldType.number, values: [null] },
    );
    expect(message([nulls])).toBe(
      'No usable rows: 1 row without a number in "energy_joules" or "co2_grams" was left out.',
    );
  });

  test('negative: rows with a negative value are left out and counted', () => {
    const s = shape([jobs([1, 2], [1, -1], [10, 5])]);
    expect(s.total.co2Grams).toBe(10);
    expect(s.skipped).toBe('1 row with a negative value was left out');
    expect(message([jobs([1], [1], [-5])])).toBe('No usable rows: 1 row with a negative value was left out.');
  });

  test('remapped names: energy, CO2e, saved and key read from the fields the options name', () => {
    const f = frame(
      { name: 'JobID', values: ['9'] },
      { name: 'kwh_as_j', values: [2 * KWH] },
      { name: 'grams', values: [800] },
      { name: 'throttle_j', values: [0.5 * KWH] },
    );
    const remapped = { keyField: 'JobID', energyField: 'kwh_as_j', co2Field: 'grams', savedField: 'throttle_j' };
    const s = shape([f], remapped);
    expect(s.bars[0]?.ariaLabel).toBe('job 9: 2.0 kWh, 800 g CO2e');
    expect(s.saved?.text).toBe('saved by throttling: 500 Wh (25 % of the total)');
    // the default names are not there any more: a message naming the remapped one
    expect(message([f], { ...remapped, co2Field: 'co2' })).toMatch(/^Missing field "co2" \(number\)/);
  });

  test('keyField user: per-job rows summed per user, labelled "user alice"', () => {
    const f = jobs([1, 2, 3], [1, 1, 4], [100, 300, 2000], [{ name: 'user', values: ['alice', 'bob', 'alice'] }]);
    const s = shape([f], { keyField: 'user' });
    expect(s.bars.map((b) => b.ariaLabel)).toEqual([
      'user alice: 5.0 kWh, 2.1 kg CO2e',
      'user bob: 1.0 kWh, 300 g CO2e',
    ]);
    expect(s.total.keysText).toBe('2 users');
    const empty = shape([jobs([1], [1], [1], [{ name: 'account', values: [''] }])], { keyField: 'account' });
    expect(empty.bars[0]?.label).toBe('account (none)');
  });

  test('saved present: summed over rows (nulls skipped) or read from a frame of its own', () => {
    const inRows = jobs(
      [1, 2],
      [3, 1],
      [10, 10],
      [{ name: 'saved_joules', type: FieldType.number, values: [KWH, null] }],
    );
    expect(shape([inRows]).saved).toMatchObject({
      joules: KWH,
      share: 0.25,
      text: 'saved by throttling: 1.0 kWh (25 % of the total)',
    });
    const alone = frame({ name: 'saved_joules', values: [0.4 * KWH] });
    expect(shape([jobs([1], [4], [10]), alone]).saved?.text).toBe('saved by throttling: 400 Wh (10 % of the total)');
    const zeroTotal = shape([jobs([1], [0], [0]), alone]).saved;
    expect(zeroTotal).toMatchObject({ share: undefined, text: 'saved by throttling: 400 Wh' });
  });

  test('saved absent: no saved line', () => {
    expect(shape([jobs([1], [1], [1])]).saved).toBeUndefined();
  });

  test('equivalents: factors from the options, each one can be turned off, all of them at once', () => {
    const s = shape([jobs([1], [11], [17_000])]);
    expect(s.equivalents.map((e) => e.text)).toEqual([
      '100 km driven by an average petrol car',
      '100 kettles boiled (1 litre each)',
      '579 smartphone charges',
      '2.8 tree-years of CO2 uptake',
    ]);
    const some = shape([jobs([1], [11], [17_000])], { kettleEnabled: false, treeKgPerYear: 17, carGramsPerKm: 0 });
    expect(some.equivalents.map((e) => e.text)).toEqual(['579 smartphone charges', '1.0 tree-year of CO2 uptake']);
    expect(shape([jobs([1], [11], [17_000])], { showEquivalents: false }).equivalents).toEqual([]);
  });

  test('unit scaling boundaries: the total switches to the next unit where it reads 1.0', () => {
    expect(shape([jobs([1], [999], [999])]).total).toMatchObject({ energyText: '999 kWh', co2Text: '999 g' });
    expect(shape([jobs([1, 2], [999, 1], [999, 1])]).total).toMatchObject({ energyText: '1.0 MWh', co2Text: '1.0 kg' });
    expect(shape([jobs([1], [1], [1e6])]).total.co2Text).toBe('1.0 t');
  });

  test('options: empty names and missing values fall back to the defaults', () => {
    expect(withDefaults({ keyField: ' ', topN: NaN })).toEqual(DEFAULT_OPTIONS);
    expect(withDefaults(undefined)).toEqual(DEFAULT_OPTIONS);
    expect(withDefaults({ topN: 3, keyField: ' user ' })).toMatchObject({ topN: 3, keyField: 'user' });
  });
});
