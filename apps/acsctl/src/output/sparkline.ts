import { formatMetricValue } from './metric-value.format';

/** The eight levels, lowest first. */
export const SPARK_LEVELS = '▁▂▃▄▅▆▇█';
const GAP = ' ';

/** One point of a series: a value at a time (ms since the epoch), or a gap (`null`: no value from then on). */
export interface SeriesPoint {
  at: number;
  value: number | null;
}

export interface SparklineOptions {
  /** Characters in the line (at least 1). */
  width: number;
  /** The time the line starts at; default the first point's. */
  from?: number;
  /** The time the line ends at; default the last point's. */
  to?: number;
  /**
   * How long a value stands for when no point follows sooner: two points further apart than this have a gap between
   * them, and the last point stands for this long. Default: a value stands until the next point, the last one for its
   * own column only.
   */
  maxGapMs?: number;
  /** The scale's ends (a percentage: 0..100); default the lowest and highest values drawn. Values outside are clamped. */
  range?: { min: number; max: number };
  /** Shown after each number of the summary: `%`, `dBm`, `B/s`. */
  unit?: string;
}

export interface SeriesStats {
  /** Values between `from` and `to` (gaps and non-finite values not counted). */
  count: number;
  min: number;
  max: number;
  /** The mean of the values (not weighted by time: samples come at a steady interval). */
  avg: number;
  last: { at: number; value: number };
}

export interface Sparkline {
  /** `width` characters: a level per column, a space where there is no value. */
  line: string;
  /** `min 12 %  avg 40.5 %  max 97 %  last 51 %  (72 values)`, or `no values`. */
  summary: string;
  /** Absent when the series has no value in the span. */
  stats?: SeriesStats;
}

/**
 * A series as one line of block characters, for `acsctl samples`: the span [from, to] is cut into `width` equal
 * columns; a column with points shows their average, a column without shows the value standing from the point before
 * it (see `maxGapMs`), else a space. Levels scale the drawn columns from their lowest (▁) to their highest (█); a flat
 * series is a flat line in the middle. Pure: the command picks the width (its terminal) and the span (--since).
 */
export function renderSparkline(points: readonly SeriesPoint[], options: SparklineOptions): Sparkline {
  const width = Math.max(1, Math.floor(options.width));
  const sorted = [...points].filter((p) => Number.isFinite(p.at)).sort((a, b) => a.at - b.at);
  const from = options.from ?? sorted[0]?.at ?? 0;
  const to = options.to ?? sorted[sorted.length - 1]?.at ?? from;
  const columns = columnValues(sorted, width, from, to, options.maxGapMs ?? Infinity);
  const stats = statsOf(sorted.filter((p) => p.at >= from && p.at <= to));
  return { line: drawLevels(columns, options.range), summary: summaryOf(stats, options.unit ?? ''), ...(stats ? { stats } : {}) };
}

/** Each column's value: the average of its points, or the value standing at its start; undefined for none. */
function columnValues(sorted: readonly SeriesPoint[], width: number, from: number, to: number, maxGapMs: number): Array<number | undefined> {
  const step = Math.max(to - from, 1) / width;
  const sums = new Array<number>(width).fill(0);
  const counts = new Array<number>(width).fill(0);
  for (const point of sorted) {
    if (!isValue(point.value) || point.at < from || point.at > to) continue;
    const column = Math.min(width - 1, Math.floor((point.at - from) / step));
    sums[column] += point.value;
    counts[column] += 1;
  }
  const values: Array<number | undefined> = [];
  let next = 0;
  for (let column = 0; column < width; column++) {
    const start = from + column * step;
    if (counts[column] > 0) {
      values.push(sums[column] / counts[column]);
      continue;
    }
    // The last point at or before the column's start, and whether its value still stands there.
    while (next < sorted.length && sorted[next].at <= start) next++;
    const before = sorted[next - 1];
    const nextAt = sorted[next]?.at ?? (Number.isFinite(maxGapMs) ? Infinity : before?.at);
    const until = before === undefined ? -Infinity : Math.min(nextAt ?? before.at, before.at + maxGapMs);
    values.push(before !== undefined && isValue(before.value) && until > start ? before.value : undefined);
  }
  return values;
}

function drawLevels(values: ReadonlyArray<number | undefined>, range: SparklineOptions['range']): string {
  const drawn = values.filter((v): v is number => v !== undefined);
  const min = range?.min ?? Math.min(...drawn);
  const max = range?.max ?? Math.max(...drawn);
  const top = SPARK_LEVELS.length - 1;
  return values
    .map((value) => {
      if (value === undefined) return GAP;
      if (!(max > min)) return SPARK_LEVELS[Math.floor(top / 2)];
      const ratio = (Math.min(max, Math.max(min, value)) - min) / (max - min);
      return SPARK_LEVELS[Math.min(top, Math.floor(ratio * SPARK_LEVELS.length))];
    })
    .join('');
}

function statsOf(points: readonly SeriesPoint[]): SeriesStats | undefined {
  const values = points.filter((p): p is { at: number; value: number } => isValue(p.value));
  if (values.length === 0) return undefined;
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (const { value } of values) {
    min = Math.min(min, value);
    max = Math.max(max, value);
    sum += value;
  }
  const last = values[values.length - 1];
  return { count: values.length, min, max, avg: sum / values.length, last: { at: last.at, value: last.value } };
}

function summaryOf(stats: SeriesStats | undefined, unit: string): string {
  if (!stats) return 'no values';
  const f = (value: number): string => formatMetricValue(value, unit);
  return `min ${f(stats.min)}  avg ${f(stats.avg)}  max ${f(stats.max)}  last ${f(stats.last.value)}  (${stats.count} value${stats.count === 1 ? '' : 's'})`;
}

function isValue(value: number | null): value is number {
  return value !== null && Number.isFinite(value);
}
