import { formatMetricValue } from './metric-value.format';
import { renderSparkline, SPARK_LEVELS, type SeriesPoint } from './sparkline';

const T0 = Date.UTC(2027, 2, 1, 8);
const MINUTE = 60_000;

/** One point a minute from T0. */
const everyMinute = (values: ReadonlyArray<number | null>): SeriesPoint[] => values.map((value, i) => ({ at: T0 + i * MINUTE, value }));

describe('renderSparkline', () => {
  it('draws one column per point, scaled from the lowest (▁) to the highest (█)', () => {
    const spark = renderSparkline(everyMinute([0, 1, 2, 3, 4, 5, 6, 7]), { width: 8, to: T0 + 8 * MINUTE });
    expect(spark.line).toBe(SPARK_LEVELS);
    expect(spark.stats).toEqual({ count: 8, min: 0, max: 7, avg: 3.5, last: { at: T0 + 7 * MINUTE, value: 7 } });
    expect(spark.summary).toBe('min 0  avg 3.5  max 7  last 7  (8 values)');
  });

  it('fits a longer series to the width by averaging each column, and scales the averages', () => {
    // 12 points in 4 columns of 3: averages 2, 5, 8, 11.
    const spark = renderSparkline(everyMinute([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]), { width: 4, to: T0 + 12 * MINUTE });
    expect(spark.line).toBe('▁▃▆█');
    // The summary is of the points themselves: a spike averaged away in the line still shows as the max.
    const spiky = renderSparkline(everyMinute([1, 1, 100, 1, 1, 1]), { width: 2, to: T0 + 6 * MINUTE, unit: '%' });
    expect(spiky.line).toBe('█▁');
    expect(spiky.summary).toBe('min 1%  avg 17.5%  max 100%  last 1%  (6 values)');
  });

  it('shows gap markers and columns without a standing value as spaces', () => {
    const spark = renderSparkline(everyMinute([1, 2, null, null, 3, 4]), { width: 6, to: T0 + 6 * MINUTE });
    expect(spark.line).toBe('▁▃  ▆█');
    expect(spark.stats?.count).toBe(4);
    // Before the first point and after the last (--since reaching back before the device's samples).
    expect(renderSparkline(everyMinute([5, 5]).map((p) => ({ ...p, at: p.at + 2 * MINUTE })), { width: 6, from: T0, to: T0 + 6 * MINUTE }).line).toBe('  ▄▄  ');
  });

  it('stretches a sparse series: a value stands until the next point, at most maxGapMs', () => {
    const points: SeriesPoint[] = [
      { at: T0, value: 0 },
      { at: T0 + 4 * MINUTE, value: 10 },
      // Silent for 4 minutes: with maxGapMs 2 minutes, the columns after the first two show nothing.
      { at: T0 + 8 * MINUTE, value: 5 },
    ];
    expect(renderSparkline(points, { width: 9, to: T0 + 9 * MINUTE }).line).toBe('▁▁▁▁████▅');
    expect(renderSparkline(points, { width: 9, to: T0 + 9 * MINUTE, maxGapMs: 2 * MINUTE }).line).toBe('▁▁  ██  ▅');
    // The last point stands for maxGapMs too: a device that answered a minute ago is not a gap yet.
    expect(renderSparkline(points, { width: 12, to: T0 + 12 * MINUTE, maxGapMs: 2 * MINUTE }).line).toBe('▁▁  ██  ▅▅  ');
  });

  it('scales to a given range, clamping values outside it, and draws a flat series in the middle', () => {
    expect(renderSparkline(everyMinute([0, 50, 100, 150, -10]), { width: 5, to: T0 + 5 * MINUTE, range: { min: 0, max: 100 } }).line).toBe('▁▅██▁');
    expect(renderSparkline(everyMinute([3, 3, 3]), { width: 3, to: T0 + 3 * MINUTE }).line).toBe('▄▄▄');
  });

  it('answers a line of spaces and "no values" for a series without values, and ignores points outside the span', () => {
    expect(renderSparkline([], { width: 5 })).toEqual({ line: '     ', summary: 'no values' });
    expect(renderSparkline(everyMinute([null, Number.NaN]), { width: 3 })).toEqual({ line: '   ', summary: 'no values' });
    const late = renderSparkline(everyMinute([1, 2, 3, 99]), { width: 3, from: T0, to: T0 + 2 * MINUTE });
    expect(late.stats?.max).toBe(3);
    expect(late.line).toBe('▁▅█');
  });

  it('sorts the points, and keeps the width whatever the span (a single point, a zero-length span)', () => {
    expect(renderSparkline([everyMinute([0, 8])[1], everyMinute([0, 8])[0]], { width: 2, to: T0 + 2 * MINUTE }).line).toBe('▁█');
    const single = renderSparkline([{ at: T0, value: 42 }], { width: 4 });
    expect(single.line).toBe('▄   ');
    expect(single.summary).toBe('min 42  avg 42  max 42  last 42  (1 value)');
  });
});

describe('formatMetricValue', () => {
  it('keeps four significant digits, and an SI prefix with three from 10 000 on', () => {
    expect(formatMetricValue(95)).toBe('95');
    expect(formatMetricValue(-20.1234, 'dBm')).toBe('-20.12 dBm');
    expect(formatMetricValue(0.00012341)).toBe('0.0001234');
    expect(formatMetricValue(9999)).toBe('9999');
    expect(formatMetricValue(12_345_678, 'B/s')).toBe('12.3 MB/s');
    expect(formatMetricValue(999_960)).toBe('1M');
    expect(formatMetricValue(-45_600)).toBe('-45.6k');
    expect(formatMetricValue(87.5, '%')).toBe('87.5%');
    expect(formatMetricValue(Number.NaN)).toBe('NaN');
  });
});
