import { createDataFrame, DataFrame, FieldType } from '@grafana/data';
import { list, num, obj, str, sumKnown } from './json';

/** What the CO2 rows can be grouped by: the co2 panel's `keyField`. */
export type Co2Key = 'jobid' | 'user' | 'account' | 'partition';

/** The label of the row that carries what the server's total has beyond the rows' sum. */
export const CO2_OTHERS = 'others (not listed)';

/**
 * GET /api/v1/co2 for the portal: grouped by user on the server (`by=user`), and `hours` only when
 * ctld accepts it (an integer 1..168); otherwise (a window like 90 min) ctld's own default. Pure.
 */
export function co2Url(api: string, hours: number): string {
  const h = Number.isInteger(hours) && hours >= 1 && hours <= 168 ? `&hours=${hours}` : '';
  return `${api}/co2?by=user${h}`;
}

/**
 * The group key of one row: a row ctld grouped already (`?by=`) has `key`; else jobs by the id
 * users know (displayId, else jobid), or the row's user/account/partition.
 */
function keyOf(row: Readonly<Record<string, unknown>>, by: Co2Key): string {
  if (typeof row.key === 'string' || typeof row.key === 'number') {
    return str(row.key);
  }
  if (by === 'jobid') {
    return str(row.displayId) || str(row.jobid);
  }
  return str(row[by]);
}

/** Sums per key of the answer's rows. */
type Sums = Map<string, { energy: number; co2: number }>;

/** What the server's total has beyond the rows' sum (left-out rows), or undefined when nothing. */
function beyondRows(json: unknown, sums: Sums): { energy: number; co2: number } | undefined {
  const total = obj(obj(json).total);
  let energy = 0;
  let co2 = 0;
  for (const v of sums.values()) {
    energy += Number.isNaN(v.energy) ? 0 : v.energy;
    co2 += Number.isNaN(v.co2) ? 0 : v.co2;
  }
  const diff = (t: number, rows: number): number =>
    Number.isFinite(t) && t - rows > Math.max(1e-9, Math.abs(t) * 1e-9) ? t - rows : 0;
  const extra = { energy: diff(num(total.energy_joules), energy), co2: diff(num(total.co2_grams), co2) };
  return extra.energy > 0 || extra.co2 > 0 ? extra : undefined;
}

/**
 * ctld's GET /api/v1/co2 answer as the co2 panel's frame: one row per `by` key (field named `by`),
 * energy_joules and co2_grams summed (unmeasured terms skipped: NaN only when nothing measured),
 * the largest energy first; entries that are not objects are skipped. Rows ctld grouped (`?by=`,
 * with `key`) are taken by their key. When the answer's `total` is more than its rows add up to
 * (at most 10,000 rows are listed), a last row {@link CO2_OTHERS} carries the difference, so the
 * panel's total is the server's. Pure.
 */
export function co2Frames(json: unknown, by: Co2Key = 'jobid'): DataFrame[] {
  const sums: Sums = new Map();
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
  const extra = beyondRows(json, sums);
  if (extra !== undefined) {
    const prev = sums.get(CO2_OTHERS);
    sums.set(CO2_OTHERS, { energy: (prev?.energy || 0) + extra.energy, co2: (prev?.co2 || 0) + extra.co2 });
  }
  const keys = [...sums.keys()]
    .filter((k) => extra === undefined || k !== CO2_OTHERS)
    .sort((a, b) => (sums.get(b)?.energy || 0) - (sums.get(a)?.energy || 0) || a.localeCompare(b));
  if (extra !== undefined) {
    keys.push(CO2_OTHERS); // last: what the list leaves out
  }
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

/** The plural of "job". */
const jobs = (n: number): string => `${n.toLocaleString('en-US')} job${n === 1 ? '' : 's'}`;

/**
 * The note under the CO2 panel: jobs without measured energy (`total.unmeasured`) are not in the
 * figures, and rows ctld left out of its list (`rowsOmitted`) are in the total as "others"; ""
 * when neither. Pure.
 */
export function co2Note(json: unknown): string {
  const o = obj(json);
  const unmeasured = num(obj(o.total).unmeasured);
  const omitted = num(o.rowsOmitted);
  const parts: string[] = [];
  if (unmeasured > 0) {
    parts.push(`${jobs(unmeasured)} without measured energy ${unmeasured === 1 ? 'is' : 'are'} not counted`);
  }
  if (omitted > 0) {
    parts.push(`${omitted.toLocaleString('en-US')} more rows not listed: counted in the total as "${CO2_OTHERS}"`);
  }
  return parts.join('; ');
}
