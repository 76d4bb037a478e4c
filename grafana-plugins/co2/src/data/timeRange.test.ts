import { dateTime, TimeRange } from '@grafana/data';
import { describeRange } from './timeRange';

const FROM = dateTime('2024-05-01T10:00:00Z');
const TO = dateTime('2024-05-02T10:00:00Z');

function relative(from: string, to: string): TimeRange {
  return { from: FROM, to: TO, raw: { from, to } };
}

describe('describeRange', () => {
  test('relative ranges by Grafana names: last 24 hours, last 3 days, today', () => {
    expect(describeRange(relative('now-24h', 'now'))).toEqual({
      text: 'last 24 hours',
      phrase: 'over the last 24 hours',
    });
    expect(describeRange(relative('now-3d', 'now')).phrase).toBe('over the last 3 days');
    expect(describeRange(relative('now/d', 'now/d'))).toEqual({ text: 'today', phrase: 'over today' });
  });

  test('absolute ranges as from-to in the time zone', () => {
    const range = { from: FROM, to: TO, raw: { from: FROM, to: TO } };
    expect(describeRange(range, 'utc')).toEqual({
      text: '2024-05-01 10:00 to 2024-05-02 10:00',
      phrase: 'from 2024-05-01 10:00 to 2024-05-02 10:00',
    });
  });

  test('no range, or one that cannot be read, is "the selected time range"', () => {
    expect(describeRange(undefined).phrase).toBe('over the selected time range');
    const broken = { from: FROM, to: TO, raw: undefined } as unknown as TimeRange;
    expect(describeRange(broken, 'utc').text).toBe('2024-05-01 10:00 to 2024-05-02 10:00');
    const garbage = { from: null, to: null, raw: { from: 3, to: 4 } } as unknown as TimeRange;
    expect(describeRange(garbage).phrase).toBe('over the selected time range');
  });
});
