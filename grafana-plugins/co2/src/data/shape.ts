import { DataFrame } from '@grafana/data';
import { FieldSpec, findField, numbers, readFields, ReadResult } from '../../../common/src/fields';
import { Co2Options } from '../types';
import { Equivalent, equivalents } from './equivalents';
import { formatEnergy, formatMass, formatShare } from './units';

/** Energy and CO2e of one key (a job, user, account, partition) or a group of them. */
export interface Co2Amount {
  readonly energyJoules: number;
  readonly co2Grams: number;
  /** "1.2 kWh". */
  readonly energyText: string;
  /** "480 g" (the component adds "CO2e"). */
  readonly co2Text: string;
}

/** One horizontal bar: a key, its amounts, its length (0..1 of the largest key's) and its aria-label. */
export interface Co2Bar extends Co2Amount {
  readonly key: string;
  /** "job 42", "user alice". */
  readonly label: string;
  readonly fraction: number;
  /** "job 42: 1.2 kWh, 480 g CO2e". */
  readonly ariaLabel: string;
}

/** The keys beyond the top N, folded into one bar. */
export interface Co2Others extends Co2Bar {
  /** How many keys it holds. */
  readonly count: number;
  /** True when it is larger than the largest key: drawn full length and marked as off the scale. */
  readonly offScale: boolean;
}

/** Energy saved by throttling over the same rows (or a frame of its own). */
export interface Co2Saved {
  readonly joules: number;
  /** Saved ÷ the total energy; undefined when the total is 0. */
  readonly share: number | undefined;
  /** "saved by throttling: 3.2 kWh (12 % of the total)". */
  readonly text: string;
}

/** What the panel draws. */
export interface Co2Shape {
  /** The sum over every accepted row, and how many keys there are. */
  readonly total: Co2Amount & { readonly keys: number; readonly keysText: string };
  /** The top N keys by CO2e (then energy, then key), largest first. */
  readonly bars: readonly Co2Bar[];
  readonly others: Co2Others | undefined;
  readonly equivalents: readonly Equivalent[];
  /** Present when the saved field is. */
  readonly saved: Co2Saved | undefined;
  /** "2 rows without a number in "energy_joules" or "co2_grams" were left out", when any were. */
  readonly skipped: string | undefined;
}

type Key = 'key' | 'energy' | 'co2' | 'saved';

/** What a key field is called in words: jobid → job/jobs, user → user/users, ... */
const NOUNS: Readonly<Record<string, readonly [string, string]>> = {
  jobid: ['job', 'jobs'],
  job_id: ['job', 'jobs'],
  job: ['job', 'jobs'],
  user: ['user', 'users'],
  account: ['account', 'accounts'],
  partition: ['partition', 'partitions'],
};

/** The key field's noun, singular and plural ("job"/"jobs"; an unknown field is named as it is). */
export function keyNouns(keyField: string): readonly [string, string] {
  return NOUNS[keyField.toLowerCase()] ?? [keyField, `${keyField} values`];
}

/** An amount with its texts. */
function amount(energyJoules: number, co2Grams: number): Co2Amount {
  return { energyJoules, co2Grams, energyText: formatEnergy(energyJoules), co2Text: formatMass(co2Grams) };
}

/** "job 42: 1.2 kWh, 480 g CO2e". */
function ariaFor(label: string, a: Co2Amount): string {
  return `${label}: ${a.energyText}, ${a.co2Text} CO2e`;
}

interface Accepted {
  readonly byKey: Map<string, { energy: number; co2: number }>;
  readonly missing: number;
  readonly negative: number;
  readonly rows: number;
}

/** Adds the rows of one frame's columns into `byKey`, counting the rows left out and why. */
function accept(cols: Record<Key, readonly number[] | readonly string[] | undefined>, into: Accepted): Accepted {
  const keys = (cols.key ?? []) as readonly string[];
  const energy = (cols.energy ?? []) as readonly number[];
  const co2 = (cols.co2 ?? []) as readonly number[];
  let { missing, negative } = into;
  for (let i = 0; i < keys.length; i++) {
    const e = energy[i] ?? NaN;
    const c = co2[i] ?? NaN;
    if (!Number.isFinite(e) || !Number.isFinite(c)) {
      missing++;
      continue;
    }
    if (e < 0 || c < 0) {
      negative++;
      continue;
    }
    const key = keys[i] ?? '';
    const sum = into.byKey.get(key) ?? { energy: 0, co2: 0 };
    into.byKey.set(key, { energy: sum.energy + e, co2: sum.co2 + c });
  }
  return { byKey: into.byKey, missing, negative, rows: into.rows + keys.length };
}

/** Sums the finite, non-negative values of a column; undefined when there are none. */
function sumValid(values: readonly number[] | undefined): number | undefined {
  let sum: number | undefined;
  for (const v of values ?? []) {
    if (Number.isFinite(v) && v >= 0) {
      sum = (sum ?? 0) + v;
    }
  }
  return sum;
}

/** "2 rows without a number in ... were left out; 1 row with a negative value was left out". */
function skippedNote(a: Accepted, o: Co2Options): string | undefined {
  const rows = (n: number) => (n === 1 ? '1 row' : `${n} rows`);
  const was = (n: number) => (n === 1 ? 'was' : 'were');
  const parts: string[] = [];
  if (a.missing > 0) {
    parts.push(
      `${rows(a.missing)} without a number in "${o.energyField}" or "${o.co2Field}" ${was(a.missing)} left out`,
    );
  }
  if (a.negative > 0) {
    parts.push(`${rows(a.negative)} with a negative value ${was(a.negative)} left out`);
  }
  return parts.length > 0 ? parts.join('; ') : undefined;
}

/** The fields to read, named as the options say. */
function specs(o: Co2Options): Record<Key, FieldSpec> {
  return {
    key: { name: o.keyField, kind: 'string' },
    energy: { name: o.energyField, kind: 'number' },
    co2: { name: o.co2Field, kind: 'number' },
    saved: { name: o.savedField, kind: 'number', optional: true },
  };
}

/** The frames' rows by key, and the saved energy (from those frames or a frame of its own). */
function collect(frames: readonly DataFrame[], o: Co2Options): ReadResult<{ acc: Accepted; saved?: number }> {
  const withKey = frames.filter((f) => findField(f, o.keyField) !== undefined);
  if (withKey.length === 0) {
    const first = frames.find((f) => f.fields.length > 0);
    const read = readFields(first, specs(o));
    if (read.ok || !read.message.startsWith('Missing field')) {
      return read.ok ? { ok: false, message: `No field "${o.keyField}" in the query result.` } : read;
    }
    const hint = `Set "Key field" to the field your query groups by (jobid, user, account, partition).`;
    return { ok: false, message: `${read.message} ${hint}` };
  }
  let acc: Accepted = { byKey: new Map(), missing: 0, negative: 0, rows: 0 };
  let saved: number | undefined;
  const add = (s: number) => (saved ?? 0) + s;
  for (const frame of withKey) {
    const read = readFields(frame, specs(o));
    if (!read.ok) {
      return read;
    }
    acc = accept(read.value, acc);
    const column = read.value.saved as readonly number[] | undefined;
    saved = column === undefined ? saved : add(sumValid(column) ?? 0);
  }
  for (const frame of frames.filter((f) => !withKey.includes(f))) {
    const field = findField(frame, o.savedField);
    saved = field === undefined ? saved : add(sumValid(numbers(field)) ?? 0);
  }
  return { ok: true, value: { acc, saved } };
}

/** Top N bars by CO2e (ties: energy, then key), and the rest folded into "others". */
function rank(acc: Accepted, o: Co2Options): { bars: Co2Bar[]; others: Co2Others | undefined } {
  const [one] = keyNouns(o.keyField);
  const sorted = [...acc.byKey.entries()].sort(
    ([ka, a], [kb, b]) => b.co2 - a.co2 || b.energy - a.energy || ka.localeCompare(kb, 'en', { numeric: true }),
  );
  const n = Math.max(1, Math.floor(o.topN));
  const top = sorted.slice(0, n);
  const rest = sorted.slice(n);
  const restCo2 = rest.reduce((s, [, v]) => s + v.co2, 0);
  const restEnergy = rest.reduce((s, [, v]) => s + v.energy, 0);
  // Scaled to the largest key, so the keys compare at a glance; "others" (often larger than any
  // one key) is capped at full length and flagged rather than shrinking every other bar.
  const largest = top[0]?.[1].co2 ?? 0;
  const fraction = (co2: number) => (largest > 0 ? Math.min(1, co2 / largest) : 0);
  const bars = top.map(([key, v]): Co2Bar => {
    const a = amount(v.energy, v.co2);
    const label = key === '' ? `${one} (none)` : `${one} ${key}`;
    return { ...a, key, label, fraction: fraction(v.co2), ariaLabel: ariaFor(label, a) };
  });
  if (rest.length === 0) {
    return { bars, others: undefined };
  }
  const a = amount(restEnergy, restCo2);
  const label = `others (${rest.length.toLocaleString('en-US')} more)`;
  const others = {
    ...a,
    key: '',
    label,
    count: rest.length,
    fraction: fraction(restCo2),
    offScale: restCo2 > largest,
    ariaLabel: ariaFor(label, a),
  };
  return { bars, others };
}

/**
 * Shapes the query result for the CO2 panel: one row per key (job, user, ...) with energy (J) and
 * CO2e (g), rows of the same key summed, rows without a number or with a negative value left out
 * and counted in `skipped`. Every frame that has the key field contributes rows; a frame without
 * it may carry the saved energy alone (e.g. a separate query for throttling). A missing or wrongly
 * typed field, no rows, or no usable row is a message naming the field instead. Pure; never throws.
 */
export function shapeCo2(frames: readonly DataFrame[] | undefined, options: Co2Options): ReadResult<Co2Shape> {
  const collected = collect(frames ?? [], options);
  if (!collected.ok) {
    return collected;
  }
  const { acc, saved } = collected.value;
  if (acc.rows === 0) {
    return { ok: false, message: 'No data: the query result has no rows.' };
  }
  const skipped = skippedNote(acc, options);
  if (acc.byKey.size === 0) {
    return { ok: false, message: `No usable rows: ${skipped ?? 'every row was left out'}.` };
  }
  let energy = 0;
  let co2 = 0;
  for (const v of acc.byKey.values()) {
    energy += v.energy;
    co2 += v.co2;
  }
  const [one, many] = keyNouns(options.keyField);
  const keys = acc.byKey.size;
  const total = {
    ...amount(energy, co2),
    keys,
    keysText: `${keys.toLocaleString('en-US')} ${keys === 1 ? one : many}`,
  };
  return {
    ok: true,
    value: {
      total,
      ...rank(acc, options),
      equivalents: equivalents(total, options),
      saved: savedOf(saved, energy),
      skipped,
    },
  };
}

/** The saved line, when the saved field was there. */
function savedOf(joules: number | undefined, totalJoules: number): Co2Saved | undefined {
  if (joules === undefined) {
    return undefined;
  }
  const share = totalJoules > 0 ? joules / totalJoules : undefined;
  const of = share === undefined ? '' : ` (${formatShare(share)} of the total)`;
  return { joules, share, text: `saved by throttling: ${formatEnergy(joules)}${of}` };
}

/** The total's aria-label: "total: 12 kWh, 4.8 kg CO2e over the last 24 hours". */
export function totalAriaLabel(shape: Co2Shape, rangePhrase: string): string {
  return `total: ${shape.total.energyText}, ${shape.total.co2Text} CO2e ${rangePhrase}`;
}
