import { dateTimeFormat, isDateTime, rangeUtil, TimeRange, TimeZone } from '@grafana/data';

/** The panel's time range in words: `text` for the header, `phrase` to follow the totals in a sentence. */
export interface RangeWords {
  /** "last 24 hours", "today", "2024-05-01 10:00 to 2024-05-02 10:00". */
  readonly text: string;
  /** "over the last 24 hours", "over today", "from 2024-05-01 10:00 to 2024-05-02 10:00". */
  readonly phrase: string;
}

const ABSOLUTE = 'YYYY-MM-DD HH:mm';

/** Lower-cases the first letter: Grafana's "Last 24 hours" inside a sentence. */
function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}

/**
 * Describes a time range in words, the way Grafana's time picker names it: relative ranges by
 * Grafana's own names ("last 24 hours", "today"), absolute ones as from–to in the dashboard's time
 * zone. Never throws: a range that cannot be read is "the selected time range". Pure.
 */
export function describeRange(range: TimeRange | undefined, timeZone?: TimeZone): RangeWords {
  const fallback = { text: 'the selected time range', phrase: 'over the selected time range' };
  if (range === undefined) {
    return fallback;
  }
  try {
    const raw = range.raw;
    if (raw !== undefined && typeof raw.from === 'string' && typeof raw.to === 'string') {
      const text = lowerFirst(rangeUtil.describeTimeRange(raw, timeZone));
      if (text.startsWith('last ')) {
        return { text, phrase: `over the ${text}` };
      }
      return { text, phrase: text.includes(' to ') ? `from ${text}` : `over ${text}` };
    }
    if (!isDateTime(range.from) || !isDateTime(range.to) || !range.from.isValid() || !range.to.isValid()) {
      return fallback;
    }
    const from = dateTimeFormat(range.from, { timeZone, format: ABSOLUTE });
    const to = dateTimeFormat(range.to, { timeZone, format: ABSOLUTE });
    return { text: `${from} to ${to}`, phrase: `from ${from} to ${to}` };
  } catch {
    // A host may hand over a range Grafana cannot parse (e.g. a bad raw string): the words are
    // decoration, the totals must still show, so the range is named generically.
    return fallback;
  }
}
