import { ConflictError, DuplicateKeyError, withoutUndefined, type DocumentCollection, type DocumentUpdate, type StoredDocument } from '@acs/platform';

import type { DataModelRoot } from '../../domain/diagnostics-catalog';
import type { ResetReason } from '../domain/counter-rate';
import { DEFAULT_MONITORING_SOURCE, type MonitoringProfile } from '../domain/monitoring-profile';
import { bucketPeriod, bucketPeriodsBetween, DAY_MS, OFFSET_UNIT_MS, type BucketPeriod, type RawSample, type RollupPoint, type Tier } from '../domain/sample-series';
import type {
  LastReading,
  MetricSample,
  MonitoredDevice,
  MonitoredDeviceRepository,
  MonitoringProfileRepository,
  MonitoringStore,
  RawBucket,
  RollupTier,
  SampleRepository,
} from './ports';

export interface MonitoringCollections {
  profiles: DocumentCollection;
  devices: DocumentCollection;
  raw: DocumentCollection;
  hourly: DocumentCollection;
  daily: DocumentCollection;
  /** Closes what the opener opened; nothing for a shared database or connection. */
  close?: () => Promise<void>;
}

/** The monitoring store written once over DocumentCollection, opened on SQLite and MongoDB by the openers beside it. */
export function monitoringStoreOf(collections: MonitoringCollections): MonitoringStore {
  return {
    profiles: new StoredMonitoringProfileRepository(collections.profiles),
    devices: new StoredMonitoredDeviceRepository(collections.devices),
    samples: new StoredSampleRepository(collections.raw, collections.hourly, collections.daily),
    close: collections.close ?? (async () => undefined),
  };
}

/** A bucket's `_id`: the device and the period's label (`dev-1|2026-12-08`); reads compute the ids of a range. */
export function bucketId(deviceId: string, label: string): string {
  return `${deviceId}|${label}`;
}

/** A metric's key inside a bucket: dots would nest on MongoDB, and metric names have no `_`. */
export function seriesKey(metric: string): string {
  return metric.replace(/\./g, '_');
}

function metricOfKey(key: string): string {
  return key.replace(/_/g, '.');
}

export class StoredMonitoringProfileRepository implements MonitoringProfileRepository {
  constructor(private readonly profiles: DocumentCollection) {}

  async insert(profile: MonitoringProfile): Promise<void> {
    try {
      await this.profiles.insertOne(toProfileDocument(profile));
    } catch (error) {
      if (error instanceof DuplicateKeyError) throw new ConflictError(`monitoring profile ${profile.id} already exists`, { kind: 'already-exists', subject: `monitoring profile ${profile.id}` });
      throw error;
    }
  }

  async get(id: string): Promise<MonitoringProfile | null> {
    const doc = await this.profiles.findOne({ _id: id });
    return doc ? fromProfileDocument(doc) : null;
  }

  async list(): Promise<MonitoringProfile[]> {
    const docs = await this.profiles.find({}, { sort: [['_id', 1]] });
    return docs.map(fromProfileDocument).sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  }

  replace(profile: MonitoringProfile, expectedRevision: number): Promise<boolean> {
    return this.profiles.replaceOne({ _id: profile.id, revision: expectedRevision }, toProfileDocument(profile));
  }

  delete(id: string): Promise<boolean> {
    return this.profiles.deleteOne({ _id: id });
  }
}

function toProfileDocument(profile: MonitoringProfile): StoredDocument {
  const { id, ...rest } = profile;
  return withoutUndefined({ _id: id, ...rest });
}

function fromProfileDocument(doc: StoredDocument): MonitoringProfile {
  const { _id, ...rest } = doc;
  return {
    id: _id,
    ...(rest as Omit<MonitoringProfile, 'id'>),
    customMetrics: (rest.customMetrics as MonitoringProfile['customMetrics']) ?? [],
    // Profiles stored before collection sources existed were read.
    source: (rest.source as MonitoringProfile['source'] | undefined) ?? DEFAULT_MONITORING_SOURCE,
  };
}

export class StoredMonitoredDeviceRepository implements MonitoredDeviceRepository {
  constructor(private readonly devices: DocumentCollection) {}

  async getMany(deviceIds: readonly string[]): Promise<Map<string, MonitoredDevice>> {
    const found = new Map<string, MonitoredDevice>();
    if (deviceIds.length === 0) return found;
    const docs = await this.devices.find({ _id: { $in: [...new Set(deviceIds)] } });
    for (const doc of docs) {
      found.set(doc._id, {
        deviceId: doc._id,
        ...(doc.root !== undefined ? { root: doc.root as DataModelRoot } : {}),
        instances: (doc.instances as Record<string, string>) ?? {},
        last: fromStoredLast(doc.last as Record<string, StoredLast> | undefined),
        revision: doc.revision as number,
        ...(doc.updatedAt !== undefined ? { updatedAt: doc.updatedAt as number } : {}),
      });
    }
    return found;
  }

  async save(device: MonitoredDevice, expectedRevision: number): Promise<boolean> {
    const doc = withoutUndefined({
      _id: device.deviceId,
      root: device.root,
      instances: device.instances,
      last: toStoredLast(device.last),
      revision: expectedRevision + 1,
      updatedAt: device.updatedAt,
    });
    if (expectedRevision === 0) {
      try {
        await this.devices.insertOne(doc);
        return true;
      } catch (error) {
        if (error instanceof DuplicateKeyError) return false;
        throw error;
      }
    }
    return this.devices.replaceOne({ _id: device.deviceId, revision: expectedRevision }, doc);
  }
}

/** A last reading stored as `[at, raw]` or `[at, raw, uptime]` under the metric's key: a device has a dozen. */
type StoredLast = [number, number] | [number, number, number];

function toStoredLast(last: Record<string, LastReading>): Record<string, StoredLast> {
  const stored: Record<string, StoredLast> = {};
  for (const [metric, reading] of Object.entries(last)) stored[seriesKey(metric)] = reading.uptime === undefined ? [reading.at, reading.raw] : [reading.at, reading.raw, reading.uptime];
  return stored;
}

function fromStoredLast(stored: Record<string, StoredLast> | undefined): Record<string, LastReading> {
  const last: Record<string, LastReading> = {};
  for (const [key, [at, raw, uptime]] of Object.entries(stored ?? {})) last[metricOfKey(key)] = uptime === undefined ? { at, raw } : { at, raw, uptime };
  return last;
}

/** A raw series as stored: seconds into the bucket, values, and for counters the rates (null: none). */
interface RawSeries {
  t: number[];
  v: number[];
  r?: Array<number | null>;
}

interface StoredReset {
  m: string;
  t: number;
  why: ResetReason;
}

interface RollupSeries {
  t: number[];
  n: number[];
  min: number[];
  avg: number[];
  max: number[];
}

export class StoredSampleRepository implements SampleRepository {
  constructor(
    private readonly raw: DocumentCollection,
    private readonly hourly: DocumentCollection,
    private readonly daily: DocumentCollection,
  ) {}

  async append(deviceId: string, samples: readonly MetricSample[]): Promise<void> {
    // By UTC day number: epoch milliseconds have no leap seconds, so a day is every 86,400,000 ms.
    const byBucket = new Map<number, MetricSample[]>();
    for (const sample of samples) {
      const day = Math.floor(sample.at / DAY_MS);
      const list = byBucket.get(day);
      if (list) list.push(sample);
      else byBucket.set(day, [sample]);
    }
    for (const bucketSamples of byBucket.values()) {
      const period = bucketPeriod('raw', bucketSamples[0].at);
      const label = period.label;
      const push: Record<string, unknown[]> = {};
      const resets: StoredReset[] = [];
      for (const sample of bucketSamples) {
        const key = seriesKey(sample.metric);
        const t = Math.round((sample.at - period.start) / OFFSET_UNIT_MS.raw);
        (push[`m.${key}.t`] ??= []).push(t);
        (push[`m.${key}.v`] ??= []).push(sample.value);
        if (sample.rate !== undefined) (push[`m.${key}.r`] ??= []).push(sample.rate);
        if (sample.reset !== undefined) resets.push({ m: key, t, why: sample.reset });
      }
      if (resets.length > 0) push.resets = resets;
      const update: DocumentUpdate = { push, set: { rollupDue: 1 }, inc: { n: bucketSamples.length } };
      const id = bucketId(deviceId, label);
      await upsertBy(this.raw, id, update, () => {
        const doc: StoredDocument = { _id: id, deviceId, start: period.start, end: period.end, rollupDue: 1, n: bucketSamples.length, m: {} };
        applyPushes(doc, push);
        return doc;
      });
    }
  }

  async readRaw(deviceId: string, metric: string, since: number, until: number): Promise<RawSample[]> {
    const key = seriesKey(metric);
    const periods = bucketPeriodsBetween('raw', since, until);
    const docs = await bucketsById(this.raw, deviceId, periods, ['start', `m.${key}`, 'resets']);
    const samples: RawSample[] = [];
    for (const doc of docs) {
      const series = (doc.m as Record<string, RawSeries> | undefined)?.[key];
      if (!series) continue;
      const start = doc.start as number;
      const resets = new Map<number, ResetReason>();
      for (const reset of (doc.resets as StoredReset[] | undefined) ?? []) if (reset.m === key) resets.set(reset.t, reset.why);
      series.t.forEach((t, i) => {
        const at = start + t * OFFSET_UNIT_MS.raw;
        if (at < since || at >= until) return;
        const sample: RawSample = { at, value: series.v[i] };
        if (series.r) sample.rate = series.r[i] ?? null;
        const reset = resets.get(t);
        if (reset !== undefined) sample.reset = reset;
        samples.push(sample);
      });
    }
    return samples.sort((a, b) => a.at - b.at);
  }

  async readRollups(tier: RollupTier, deviceId: string, metric: string, since: number, until: number): Promise<RollupPoint[]> {
    const key = seriesKey(metric);
    const bucketTier: Tier = tier;
    const periods = bucketPeriodsBetween(bucketTier, since, until);
    const docs = await bucketsById(this.rollupCollection(tier), deviceId, periods, ['start', `m.${key}`]);
    // A period folded again (late samples) was appended again: the last point of a period wins.
    const byAt = new Map<number, RollupPoint>();
    for (const doc of docs) {
      const series = (doc.m as Record<string, RollupSeries> | undefined)?.[key];
      if (!series) continue;
      const start = doc.start as number;
      series.t.forEach((t, i) => {
        const at = start + t * OFFSET_UNIT_MS[tier];
        if (at >= since && at < until) byAt.set(at, { at, count: series.n[i], min: series.min[i], avg: series.avg[i], max: series.max[i] });
      });
    }
    return [...byAt.values()].sort((a, b) => a.at - b.at);
  }

  async dueBuckets(endedBefore: number, limit: number): Promise<RawBucket[]> {
    const docs = await this.raw.find({ rollupDue: 1, end: { $lte: endedBefore } }, { sort: [['end', 1]], limit });
    return docs.map((doc) => {
      const series = new Map<string, RawSample[]>();
      const start = doc.start as number;
      for (const [key, stored] of Object.entries((doc.m as Record<string, RawSeries> | undefined) ?? {})) {
        series.set(
          metricOfKey(key),
          stored.t.map((t, i) => ({ at: start + t * OFFSET_UNIT_MS.raw, value: stored.v[i], ...(stored.r ? { rate: stored.r[i] ?? null } : {}) })),
        );
      }
      return { id: doc._id, deviceId: doc.deviceId as string, start, end: doc.end as number, appended: (doc.n as number) ?? 0, series };
    });
  }

  async appendRollups(tier: RollupTier, deviceId: string, points: ReadonlyArray<{ metric: string; point: RollupPoint }>): Promise<void> {
    const byBucket = new Map<string, Array<{ metric: string; point: RollupPoint }>>();
    for (const entry of points) {
      const { label } = bucketPeriod(tier, entry.point.at);
      const list = byBucket.get(label);
      if (list) list.push(entry);
      else byBucket.set(label, [entry]);
    }
    const collection = this.rollupCollection(tier);
    for (const [label, entries] of byBucket) {
      const period = bucketPeriod(tier, entries[0].point.at);
      const push: Record<string, unknown[]> = {};
      for (const { metric, point } of entries) {
        const key = seriesKey(metric);
        (push[`m.${key}.t`] ??= []).push(Math.round((point.at - period.start) / OFFSET_UNIT_MS[tier]));
        (push[`m.${key}.n`] ??= []).push(point.count);
        (push[`m.${key}.min`] ??= []).push(point.min);
        (push[`m.${key}.avg`] ??= []).push(point.avg);
        (push[`m.${key}.max`] ??= []).push(point.max);
      }
      const id = bucketId(deviceId, label);
      await upsertBy(collection, id, { push }, () => {
        const doc: StoredDocument = { _id: id, deviceId, start: period.start, end: period.end, m: {} };
        applyPushes(doc, push);
        return doc;
      });
    }
  }

  markFolded(bucket: Pick<RawBucket, 'id' | 'appended'>): Promise<boolean> {
    return this.raw.updateOne({ _id: bucket.id, n: bucket.appended }, { set: { rollupDue: 0 } });
  }

  deleteEnded(tier: 'raw' | RollupTier, endedBefore: number): Promise<number> {
    if (tier === 'raw') return this.raw.deleteMany({ rollupDue: 0, end: { $lte: endedBefore } });
    return this.rollupCollection(tier).deleteMany({ end: { $lte: endedBefore } });
  }

  private rollupCollection(tier: RollupTier): DocumentCollection {
    return tier === 'hour' ? this.hourly : this.daily;
  }
}

/**
 * A range's buckets, each read by its `_id` (at once): FerretDB 1.24 serves an `_id` equality from its index but
 * scans the collection for an `$in` (measured: 0.34 s for a day's series among 100 buckets).
 */
async function bucketsById(collection: DocumentCollection, deviceId: string, periods: readonly BucketPeriod[], projection: string[]): Promise<StoredDocument[]> {
  const docs = await Promise.all(periods.map((period) => collection.findOne({ _id: bucketId(deviceId, period.label) }, projection)));
  return docs.filter((doc): doc is StoredDocument => doc !== null);
}

/**
 * Applies an update to the bucket, creating it first when absent. Two writers creating one bucket at once: the
 * loser's insert meets the winner's document (DuplicateKeyError) and its update then applies to it.
 */
async function upsertBy(collection: DocumentCollection, id: string, update: DocumentUpdate, create: () => StoredDocument): Promise<void> {
  if (await collection.updateOne({ _id: id }, update)) return;
  try {
    await collection.insertOne(create());
    return;
  } catch (error) {
    if (!(error instanceof DuplicateKeyError)) throw error;
  }
  if (!(await collection.updateOne({ _id: id }, update))) throw new Error(`${collection.name}: bucket ${id} vanished while samples were appended`);
}

/** The arrays a push would create, in a new document (`m.<key>.<field>` and top-level fields). */
function applyPushes(doc: StoredDocument, push: Record<string, unknown[]>): void {
  for (const [path, values] of Object.entries(push)) {
    const segments = path.split('.');
    let node: Record<string, unknown> = doc;
    for (const segment of segments.slice(0, -1)) node = (node[segment] ??= {}) as Record<string, unknown>;
    node[segments[segments.length - 1]] = [...values];
  }
}
