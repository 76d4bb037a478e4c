// How the inspector writes figures for people: one place, so that a live finding, the report's
// end-of-job finding and the mail about either say "3 %" alike.

/** A ratio as a whole percentage: "3 %". */
export const pct = (v: number): string => `${Math.round(v * 100)} %`;

/** Bytes as GiB with one decimal: "61.2". */
export const gib = (bytes: number): string => (bytes / 2 ** 30).toFixed(1);
