const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * Parses a duration string such as "500ms", "10s", "5m", "1.5h" or "7d" into milliseconds.
 * Throws on anything else, naming the offending text.
 */
export function parseDuration(text: string): number {
  const m = DURATION.exec(text.trim());
  if (!m) {
    throw new Error(`"${text}" is not a duration (use a number and a unit: ms, s, m, h, d, e.g. "10s")`);
  }
  return Number(m[1]) * UNIT_MS[m[2]!]!;
}

/** Formats milliseconds as the shortest exact duration string ("90s", "5m", "250ms"). */
export function formatDuration(ms: number): string {
  for (const unit of ['d', 'h', 'm', 's'] as const) {
    const n = ms / UNIT_MS[unit]!;
    if (Number.isInteger(n) && n > 0) return `${n}${unit}`;
  }
  return `${ms}ms`;
}
