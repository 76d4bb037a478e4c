import { DataFrame, Field, FieldType } from '@grafana/data';

/** The kind of values a panel needs in a field. */
export type FieldKind = 'number' | 'string';

/** One field a panel reads: its option-remappable name, what it must hold, and whether it may be absent. */
export interface FieldSpec {
  /** The name to look for (the default, or what the user remapped it to in the options). */
  readonly name: string;
  readonly kind: FieldKind;
  readonly optional?: boolean;
}

/** The columns of one frame as plain arrays: numbers (NaN where a value is missing or not a number) or strings. */
export type Columns<K extends string> = { readonly [P in K]: readonly number[] | readonly string[] | undefined };

/** Either the columns, or a message naming what is wrong (shown in the panel instead of the data). */
export type ReadResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly message: string };

/** Finds a field by name: exact `name`, then display name, then case-insensitive. Pure. */
export function findField(frame: DataFrame, name: string): Field | undefined {
  const lower = name.toLowerCase();
  return (
    frame.fields.find((f) => f.name === name) ??
    frame.fields.find((f) => f.config?.displayName === name || f.state?.displayName === name) ??
    frame.fields.find((f) => f.name.toLowerCase() === lower)
  );
}

/** A field's values as numbers: numbers kept, numeric strings parsed, everything else NaN. Pure. */
export function numbers(field: Field): number[] {
  const out = new Array<number>(field.values.length);
  for (let i = 0; i < field.values.length; i++) {
    const v: unknown = field.values[i];
    out[i] = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  }
  return out;
}

/** A field's values as strings (null/undefined as ""). Pure. */
export function strings(field: Field): string[] {
  const out = new Array<string>(field.values.length);
  for (let i = 0; i < field.values.length; i++) {
    const v: unknown = field.values[i];
    out[i] = v === null || v === undefined ? '' : String(v);
  }
  return out;
}

/** True when a field can hold numbers: a number field, or a string field whose values all parse. */
function numeric(field: Field): boolean {
  if (field.type === FieldType.number) {
    return true;
  }
  if (field.type !== FieldType.string && field.type !== FieldType.other) {
    return false;
  }
  return numbers(field).every((n, i) => !Number.isNaN(n) || field.values[i] === null || field.values[i] === undefined);
}

/**
 * Reads the fields a panel needs from one frame. A missing required field, or one of the wrong
 * kind, is a message naming it and what the frame has instead. Pure.
 */
export function readFields<K extends string>(
  frame: DataFrame | undefined,
  specs: Readonly<Record<K, FieldSpec>>,
  what = 'the query result',
): ReadResult<Columns<K>> {
  if (frame === undefined || frame.fields.length === 0) {
    return { ok: false, message: `No data: ${what} is empty.` };
  }
  const out: Partial<Record<K, number[] | string[]>> = {};
  for (const key of Object.keys(specs) as K[]) {
    const spec = specs[key];
    const field = findField(frame, spec.name);
    if (field === undefined) {
      if (spec.optional) {
        continue;
      }
      const have = frame.fields.map((f) => `"${f.name}"`).join(', ');
      return { ok: false, message: `Missing field "${spec.name}" (${spec.kind}) in ${what}; it has ${have}.` };
    }
    if (spec.kind === 'number' && !numeric(field)) {
      return { ok: false, message: `Field "${spec.name}" in ${what} holds ${field.type} values, not numbers.` };
    }
    out[key] = spec.kind === 'number' ? numbers(field) : strings(field);
  }
  return { ok: true, value: out as Columns<K> };
}

/** A finite number or undefined (NaN, ±Infinity, null become undefined). */
export function finite(v: number | undefined): number | undefined {
  return v !== undefined && Number.isFinite(v) ? v : undefined;
}
