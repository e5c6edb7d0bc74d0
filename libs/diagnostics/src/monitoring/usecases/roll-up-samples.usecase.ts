import { DAY_MS, HOUR_MS, rollUp, rollupValueOf, type RetentionPolicy, type RollupPoint } from '../domain/sample-series';
import type { MonitoringStore, RawBucket } from '../repositories/ports';

export interface RollUpSamplesCommand {
  /** Raw buckets folded in this run at most (the next run takes the rest); default 1,000. */
  limit?: number;
}

export interface RollUpSamplesResult {
  folded: number;
  /** Buckets that took samples while being folded: left due, folded again by the next run. */
  changedMeanwhile: number;
  deleted: { raw: number; hour: number; day: number };
  /** Whether more buckets were due than the limit let through. */
  more: boolean;
}

export interface RollUpSamplesDeps {
  store: MonitoringStore;
  now: () => number;
  retention: RetentionPolicy;
  /** How long after its day ends a raw bucket waits for late samples before it is folded (default an hour). */
  latenessMs?: number;
}

export const DEFAULT_ROLLUP_LATENESS_MS = 3_600_000;
const DEFAULT_LIMIT = 1_000;

/**
 * Folds finished raw buckets (one device, one UTC day) into hourly and daily min/avg/max/count points (of a gauge's
 * values, of a counter's rates), then deletes what outlived its tier's retention. Run periodically by one pod.
 *
 * Folding is at-least-once: a bucket that takes a late sample is due again and folded whole again; its points are
 * appended again and the later ones win on reading. Raw buckets are deleted only once folded.
 */
export class RollUpSamples {
  constructor(private readonly deps: RollUpSamplesDeps) {}

  async execute(command: RollUpSamplesCommand = {}): Promise<RollUpSamplesResult> {
    const { store, retention } = this.deps;
    const now = this.deps.now();
    const limit = command.limit ?? DEFAULT_LIMIT;
    const due = await store.samples.dueBuckets(now - (this.deps.latenessMs ?? DEFAULT_ROLLUP_LATENESS_MS), limit);
    let folded = 0;
    let changedMeanwhile = 0;
    for (const bucket of due) {
      const { hourly, daily } = foldBucket(bucket);
      if (hourly.length > 0) await store.samples.appendRollups('hour', bucket.deviceId, hourly);
      if (daily.length > 0) await store.samples.appendRollups('day', bucket.deviceId, daily);
      if (await store.samples.markFolded(bucket)) folded++;
      else changedMeanwhile++;
    }
    const deleted = {
      raw: await store.samples.deleteEnded('raw', now - retention.rawDays * DAY_MS),
      hour: await store.samples.deleteEnded('hour', now - retention.hourlyDays * DAY_MS),
      day: await store.samples.deleteEnded('day', now - retention.dailyDays * DAY_MS),
    };
    return { folded, changedMeanwhile, deleted, more: due.length === limit };
  }
}

/** A raw bucket's hourly and daily points per metric. A counter's series is the one with rates. */
export function foldBucket(bucket: RawBucket): { hourly: Array<{ metric: string; point: RollupPoint }>; daily: Array<{ metric: string; point: RollupPoint }> } {
  const hourly: Array<{ metric: string; point: RollupPoint }> = [];
  const daily: Array<{ metric: string; point: RollupPoint }> = [];
  for (const [metric, samples] of bucket.series) {
    const kind = samples.some((sample) => sample.rate !== undefined) ? 'counter' : 'gauge';
    const values: Array<{ at: number; value: number }> = [];
    for (const sample of samples) {
      const value = rollupValueOf(sample, kind);
      if (value !== undefined) values.push({ at: sample.at, value });
    }
    for (const point of rollUp(values, HOUR_MS)) hourly.push({ metric, point });
    for (const point of rollUp(values, DAY_MS)) daily.push({ metric, point });
  }
  return { hourly, daily };
}
