import { readFile } from 'node:fs/promises';
import { ParseError } from '@slurmscope/common';

/** One row of an intensity time series: in force from `tMs` until the next row. */
export interface IntensityPoint {
  readonly tMs: number;
  readonly gPerKwh: number;
}

const HEADER = /^\s*timestamp\s*,\s*gco2_per_kwh\s*$/i;

/**
 * Parses a CSV intensity series: rows `timestamp,gco2_per_kwh` (ISO 8601 time with zone, or
 * Unix seconds), an optional header row, `#` comments and blank lines. Rows must be in
 * ascending time. A bad row is a ParseError naming `source` and the line number.
 */
export function parseIntensityCsv(text: string, source: string): IntensityPoint[] {
  const points: IntensityPoint[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? '').trim();
    if (line === '' || line.startsWith('#') || (points.length === 0 && HEADER.test(line))) continue;
    const where = `${source}:${i + 1}`;
    const cells = line.split(',').map((c) => c.trim());
    if (cells.length !== 2) throw new ParseError(where, 'expected "timestamp,gco2_per_kwh"', line);
    const tMs = parseTime(cells[0] ?? '');
    if (tMs === undefined) throw new ParseError(where, 'bad timestamp (ISO 8601 with zone, or Unix seconds)', line);
    const g = Number(cells[1]);
    if (cells[1] === '' || !Number.isFinite(g) || g < 0) throw new ParseError(where, 'bad gco2_per_kwh', line);
    const prev = points[points.length - 1];
    if (prev !== undefined && tMs <= prev.tMs) throw new ParseError(where, 'timestamps must ascend', line);
    points.push({ tMs, gPerKwh: g });
  }
  if (points.length === 0) throw new ParseError(source, 'no intensity rows');
  return points;
}

const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

function parseTime(text: string): number | undefined {
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  if (!ISO_WITH_ZONE.test(text)) return undefined;
  const t = Date.parse(text);
  return Number.isNaN(t) ? undefined : t;
}

/** The value in force at `tMs`: the last row at or before it; undefined before the first row. */
export function intensityAt(series: readonly IntensityPoint[], tMs: number): number | undefined {
  let lo = 0;
  let hi = series.length - 1;
  let found: number | undefined;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const p = series[mid];
    if (p === undefined) break;
    if (p.tMs <= tMs) {
      found = p.gPerKwh;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** Reads and parses an intensity CSV file (at start-up). */
export async function readIntensityCsv(path: string): Promise<IntensityPoint[]> {
  return parseIntensityCsv(await readFile(path, 'utf8'), path);
}
