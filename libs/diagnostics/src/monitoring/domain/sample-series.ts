import type { ResetReason } from './counter-rate';

/**
 * A device's samples as a time series in three tiers (ADR 37): raw samples in one bucket per device and UTC day,
 * hourly min/avg/max/count in one bucket per device and UTC day (written once, when the day is folded), daily ones in
 * one bucket per device and UTC month (a point appended per day). Each tier is kept for its own retention; the
 * periods and the folding are here, the documents in the repositories.
 */

export type SampleSource = 'inform' | 'read' | 'bulkdata';
export const SAMPLE_SOURCES: readonly SampleSource[] = ['inform', 'read', 'bulkdata'];

export type Tier = 'raw' | 'hour' | 'day';
export type Resolution = Tier | 'auto';
export const RESOLUTIONS: readonly Resolution[] = ['auto', 'raw', 'hour', 'day'];

/** One stored raw sample of one metric: a gauge's value, or a counter's reading with the rate up to it. */
export interface RawSample {
  at: number;
  /** The gauge's value in its unit; the counter's raw reading. */
  value: number;
  /** A counter's rate (per second, scaled) over the interval ending here; null when there is none (first, reset). */
  rate?: number | null;
  /** The counter restarted in the interval ending here. */
  reset?: ResetReason;
}

/** One hour's or day's summary of a metric: of a gauge's values, of a counter's rates. */
export interface RollupPoint {
  /** Start of the hour or day (epoch ms). */
  at: number;
  count: number;
  min: number;
  avg: number;
  max: number;
}

export interface RetentionPolicy {
  rawDays: number;
  hourlyDays: number;
  dailyDays: number;
}

export const DEFAULT_RETENTION: RetentionPolicy = { rawDays: 7, hourlyDays: 90, dailyDays: 730 };

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** The period a bucket of a tier covers: [start, end). */
export interface BucketPeriod {
  start: number;
  end: number;
  /** `2026-12-08`, `2026-12`, `2026`: the bucket's id within a device. */
  label: string;
}

export function bucketPeriod(tier: Tier, at: number): BucketPeriod {
  const date = new Date(at);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth();
  switch (tier) {
    case 'raw':
    case 'hour': {
      const start = Date.UTC(year, month, date.getUTCDate());
      return { start, end: start + DAY_MS, label: new Date(start).toISOString().slice(0, 10) };
    }
    case 'day':
      return { start: Date.UTC(year, month, 1), end: Date.UTC(year, month + 1, 1), label: new Date(Date.UTC(year, month, 1)).toISOString().slice(0, 7) };
  }
}

/** Every bucket period of a tier overlapping [since, until). */
export function bucketPeriodsBetween(tier: Tier, since: number, until: number): BucketPeriod[] {
  const periods: BucketPeriod[] = [];
  for (let period = bucketPeriod(tier, since); period.start < until; period = bucketPeriod(tier, period.end)) periods.push(period);
  return periods;
}

/** The step of a tier's points (ms): a raw offset is stored in seconds, an hourly one in hours, a daily one in days. */
export const OFFSET_UNIT_MS: Record<Tier, number> = { raw: 1_000, hour: HOUR_MS, day: DAY_MS };

/** Folds values into one summary per period (hour or day), in time order; values outside no period are skipped. */
export function rollUp(points: ReadonlyArray<{ at: number; value: number }>, periodMs: number): RollupPoint[] {
  const byPeriod = new Map<number, { count: number; sum: number; min: number; max: number }>();
  for (const { at, value } of points) {
    if (!Number.isFinite(value)) continue;
    const start = at - (((at % periodMs) + periodMs) % periodMs);
    const summary = byPeriod.get(start);
    if (summary === undefined) byPeriod.set(start, { count: 1, sum: value, min: value, max: value });
    else {
      summary.count++;
      summary.sum += value;
      if (value < summary.min) summary.min = value;
      if (value > summary.max) summary.max = value;
    }
  }
  return [...byPeriod.entries()]
    .sort(([a], [b]) => a - b)
    .map(([at, { count, sum, min, max }]) => ({ at, count, min, avg: sum / count, max }));
}

/** What a rollup summarises of a raw sample: a counter's rate (when it has one), a gauge's value. */
export function rollupValueOf(sample: RawSample, kind: 'gauge' | 'counter'): number | undefined {
  if (kind === 'gauge') return sample.value;
  return sample.rate ?? undefined;
}

/**
 * The tier a read at `auto` resolution uses: raw samples for up to two days still within the raw retention, hourly
 * points for up to 62 days within theirs, else daily points. A chart of a few hundred points either way.
 */
export function autoResolution(since: number, until: number, now: number, retention: RetentionPolicy): Tier {
  const span = until - since;
  if (span <= 2 * DAY_MS && since >= now - retention.rawDays * DAY_MS) return 'raw';
  if (span <= 62 * DAY_MS && since >= now - retention.hourlyDays * DAY_MS) return 'hour';
  return 'day';
}

/** The widest span a read of each tier may ask for: bounds the buckets one read loads (31, 92 and 120 of them). */
export const MAX_SPAN_MS: Record<Tier, number> = { raw: 31 * DAY_MS, hour: 92 * DAY_MS, day: 3_653 * DAY_MS };
