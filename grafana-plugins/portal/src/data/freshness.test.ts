import { ageText, freshnessOf } from './freshness';

describe('freshnessOf', () => {
  test("fresh answer: updated = received − ctld's age (the browser clock, whatever ctld's clock says)", () => {
    expect(freshnessOf({ snapshotMs: 5, snapshotAgeSeconds: 12.5, stale: false }, 100_000)).toEqual({
      updatedMs: 87_500,
      stale: false,
      error: '',
    });
  });

  test('stale answers: stale and the error ctld names', () => {
    const f = freshnessOf({ snapshotMs: 1, snapshotAgeSeconds: 40, stale: true, error: 'sinfo: timed out' }, 50_000);
    expect(f).toEqual({ updatedMs: 10_000, stale: true, error: 'sinfo: timed out' });
  });

  test('missing fields and NaN: no age falls back to snapshotMs; nothing gives NaN and not stale', () => {
    expect(freshnessOf({ snapshotMs: 42 }, 1e6).updatedMs).toBe(42);
    expect(freshnessOf({ snapshotAgeSeconds: 'x' }, 1e6).updatedMs).toBeNaN();
    expect(freshnessOf(null, 1e6)).toEqual({ updatedMs: NaN, stale: false, error: '' });
  });
});

describe('ageText', () => {
  test('seconds, minutes, hours; empty when unknown; never negative', () => {
    expect(ageText(88_000, 100_000)).toBe('updated 12 s ago');
    expect(ageText(0, 300_000)).toBe('updated 5 min ago');
    expect(ageText(0, 3 * 3600_000)).toBe('updated 3 h ago');
    expect(ageText(NaN, 1)).toBe('');
    expect(ageText(2000, 1000)).toBe('updated 0 s ago');
  });
});
