import { autoResolution, bucketPeriod, bucketPeriodsBetween, DAY_MS, DEFAULT_RETENTION, HOUR_MS, rollUp } from './sample-series';

const NOW = Date.UTC(2026, 11, 8, 12, 0, 0);

describe('bucket periods', () => {
  it('are UTC days for raw and hourly points, UTC months for daily ones', () => {
    expect(bucketPeriod('raw', NOW)).toEqual({ start: Date.UTC(2026, 11, 8), end: Date.UTC(2026, 11, 9), label: '2026-12-08' });
    expect(bucketPeriod('hour', NOW)).toEqual({ start: Date.UTC(2026, 11, 8), end: Date.UTC(2026, 11, 9), label: '2026-12-08' });
    expect(bucketPeriod('day', NOW)).toEqual({ start: Date.UTC(2026, 11, 1), end: Date.UTC(2027, 0, 1), label: '2026-12' });
  });

  it('lists those overlapping a range', () => {
    expect(bucketPeriodsBetween('raw', NOW - DAY_MS, NOW).map((p) => p.label)).toEqual(['2026-12-07', '2026-12-08']);
    expect(bucketPeriodsBetween('day', Date.UTC(2026, 10, 30), Date.UTC(2027, 0, 1)).map((p) => p.label)).toEqual(['2026-11', '2026-12']);
  });
});

describe('rollUp', () => {
  it('summarises values per period in time order', () => {
    const h = Date.UTC(2026, 11, 8, 10);
    const points = [
      { at: h + 3 * HOUR_MS / 4, value: 4 },
      { at: h, value: 1 },
      { at: h + HOUR_MS, value: 10 },
      { at: h + HOUR_MS / 2, value: 7 },
    ];
    expect(rollUp(points, HOUR_MS)).toEqual([
      { at: h, count: 3, min: 1, avg: 4, max: 7 },
      { at: h + HOUR_MS, count: 1, min: 10, avg: 10, max: 10 },
    ]);
  });
});

describe('autoResolution', () => {
  it('reads raw for a day, hourly for a month, daily beyond or past the retention', () => {
    expect(autoResolution(NOW - DAY_MS, NOW, NOW, DEFAULT_RETENTION)).toBe('raw');
    expect(autoResolution(NOW - 10 * DAY_MS, NOW - 9 * DAY_MS, NOW, DEFAULT_RETENTION)).toBe('hour');
    expect(autoResolution(NOW - 30 * DAY_MS, NOW, NOW, DEFAULT_RETENTION)).toBe('hour');
    expect(autoResolution(NOW - 365 * DAY_MS, NOW, NOW, DEFAULT_RETENTION)).toBe('day');
    expect(autoResolution(NOW - 100 * DAY_MS, NOW - 99 * DAY_MS, NOW, DEFAULT_RETENTION)).toBe('day');
  });
});
