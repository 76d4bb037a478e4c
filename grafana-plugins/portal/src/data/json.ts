// Tolerant readers for ctld's JSON answers: a missing, null or wrongly typed value never throws;
// numbers become NaN, strings "", objects {} and lists [] (the panels then say what is missing).

/** A JSON object's own keys, or an empty record when the value is not an object. Pure. */
export function obj(v: unknown): Readonly<Record<string, unknown>> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/** A JSON list, or an empty list when the value is not one. Pure. */
export function list(v: unknown): readonly unknown[] {
  return Array.isArray(v) ? v : [];
}

/** A finite number, or NaN for anything else (null, missing, strings, ±Infinity). Pure. */
export function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : NaN;
}

/** A number where absence means zero (state counts: a state nobody is in may be left out). Pure. */
export function count(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

/** A string, a number as text, or "" for anything else. Pure. */
export function str(v: unknown): string {
  if (typeof v === 'string') {
    return v;
  }
  return typeof v === 'number' && Number.isFinite(v) ? String(v) : '';
}

/** Sum that ignores NaN terms; NaN only when every term is NaN (nothing measured). Pure. */
export function sumKnown(a: number, b: number): number {
  if (Number.isNaN(a)) {
    return b;
  }
  if (Number.isNaN(b)) {
    return a;
  }
  return a + b;
}
