import { createDataFrame, DataFrame, FieldType } from '@grafana/data';
import { list, num, obj, str, sumKnown } from './json';

/** What the CO2 rows can be grouped by: the co2 panel's `keyField`. */
export type Co2Key = 'jobid' | 'user' | 'account' | 'partition';

/** The group key of one row; jobs by the id users know (displayId, else jobid). */
function keyOf(row: Readonly<Record<string, unknown>>, by: Co2Key): string {
  if (by === 'jobid') {
    return str(row.displayId) || str(row.jobid);
  }
  return str(row[by]);
}

/**
 * ctld's GET /api/v1/co2 answer as the co2 panel's frame: one row per `by` key (field named `by`),
 * energy_joules and co2_grams summed (unmeasured terms skipped: NaN only when nothing measured),
 * the largest energy first; entries that are not objects are skipped. Pure.
 */
export function co2Frames(json: unknown, by: Co2Key = 'jobid'): DataFrame[] {
  const sums = new Map<string, { energy: number; co2: number }>();
  for (const raw of list(obj(json).rows)) {
    if (typeof raw !== 'object' || raw === null) {
      continue;
    } // junk in the list is not a job
    const row = obj(raw);
    const key = keyOf(row, by);
    const prev = sums.get(key) ?? { energy: NaN, co2: NaN };
    sums.set(key, {
      energy: sumKnown(prev.energy, num(row.energy_joules)),
      co2: sumKnown(prev.co2, num(row.co2_grams)),
    });
  }
  const keys = [...sums.keys()].sort(
    (a, b) => (sums.get(b)?.energy || 0) - (sums.get(a)?.energy || 0) || a.localeCompare(b),
  );
  return [
    createDataFrame({
      name: 'co2',
      refId: 'A',
      fields: [
        { name: by, type: FieldType.string, values: keys },
        { name: 'energy_joules', type: FieldType.number, values: keys.map((k) => sums.get(k)?.energy ?? NaN) },
        { name: 'co2_grams', type: FieldType.number, values: keys.map((k) => sums.get(k)?.co2 ?? NaN) },
      ],
    }),
  ];
}
