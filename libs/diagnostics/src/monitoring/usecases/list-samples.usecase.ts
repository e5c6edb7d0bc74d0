import { ValidationError, type FieldViolation } from '@acs/platform';

import type { ResetReason } from '../domain/counter-rate';
import type { MetricKind } from '../domain/metric-catalog';
import { autoResolution, DAY_MS, MAX_SPAN_MS, RESOLUTIONS, type Resolution, type RetentionPolicy, type Tier } from '../domain/sample-series';
import type { MonitoringStore } from '../repositories/ports';
import type { MetricCatalogSource } from './metric-catalog-source';

export interface ListSamplesQuery {
  deviceId: string;
  metric: string;
  /** Epoch ms, inclusive; default: a day before `until`. */
  since?: number;
  /** Epoch ms, exclusive; default: now. */
  until?: number;
  /** Default `auto`: raw for up to two days, hourly for up to 62, else daily (autoResolution). */
  resolution?: Resolution;
}

/**
 * One point of a series. Raw: a gauge's `value`; a counter's reading as `value` and its per-second `rate` (null after
 * a first reading or a reset, which `reset` names). Hourly and daily: `count`, `min`, `avg`, `max` of the gauge's
 * values or the counter's rates, and `value` = `avg`.
 */
export interface SamplePoint {
  at: number;
  value: number;
  rate?: number | null;
  reset?: ResetReason;
  count?: number;
  min?: number;
  avg?: number;
  max?: number;
}

export interface SampleSeries {
  deviceId: string;
  metric: string;
  kind: MetricKind;
  /** The unit of `value` (a raw counter's reading); rates and counter rollups are per second of it. */
  unit: string;
  resolution: Tier;
  since: number;
  until: number;
  points: SamplePoint[];
}

export interface ListSamplesDeps {
  store: MonitoringStore;
  catalog: MetricCatalogSource;
  now: () => number;
  retention: RetentionPolicy;
}

/** A device's series of one metric over a time range, at the resolution asked for or the one that suits the range. */
export class ListSamples {
  constructor(private readonly deps: ListSamplesDeps) {}

  async execute(query: ListSamplesQuery): Promise<SampleSeries> {
    const now = this.deps.now();
    const until = query.until ?? now;
    const since = query.since ?? until - DAY_MS;
    const violations: FieldViolation[] = [];
    if (typeof query.deviceId !== 'string' || query.deviceId === '') violations.push({ field: 'deviceId', description: 'is required', reason: 'REQUIRED' });
    const metric = typeof query.metric === 'string' ? (await this.deps.catalog.current()).get(query.metric) : undefined;
    if (metric === undefined) violations.push({ field: 'metric', description: `${String(query.metric)} is not a known metric`, reason: 'UNKNOWN_METRIC' });
    if (!Number.isSafeInteger(since) || since < 0) violations.push({ field: 'since', description: 'is a time in epoch milliseconds', reason: 'BAD_FORMAT' });
    if (!Number.isSafeInteger(until) || until < 0) violations.push({ field: 'until', description: 'is a time in epoch milliseconds', reason: 'BAD_FORMAT' });
    else if (Number.isSafeInteger(since) && since >= until) violations.push({ field: 'since', description: 'is before until', reason: 'OUT_OF_RANGE' });
    const resolution = query.resolution ?? 'auto';
    if (!RESOLUTIONS.includes(resolution)) violations.push({ field: 'resolution', description: `is one of ${RESOLUTIONS.join(', ')}`, reason: 'BAD_FORMAT' });
    if (violations.length > 0) throw new ValidationError(`invalid samples query: ${violations.map((v) => `${v.field} ${v.description}`).join('; ')}`, violations);
    const tier = resolution === 'auto' ? autoResolution(since, until, now, this.deps.retention) : (resolution as Tier);
    if (until - since > MAX_SPAN_MS[tier]) {
      throw ValidationError.forField('since', `a ${tier} series spans at most ${MAX_SPAN_MS[tier] / DAY_MS} days: ask for a coarser resolution or a shorter range`, 'OUT_OF_RANGE');
    }
    const header = { deviceId: query.deviceId, metric: metric!.name, kind: metric!.kind, unit: metric!.unit, resolution: tier, since, until };
    if (tier === 'raw') {
      const samples = await this.deps.store.samples.readRaw(query.deviceId, metric!.name, since, until);
      return { ...header, points: samples.map((sample) => ({ ...sample })) };
    }
    const rollups = await this.deps.store.samples.readRollups(tier, query.deviceId, metric!.name, since, until);
    return { ...header, points: rollups.map((point) => ({ at: point.at, value: point.avg, count: point.count, min: point.min, avg: point.avg, max: point.max })) };
  }
}
