import type { DataModelRoot } from '../../domain/diagnostics-catalog';
import type { MonitoringProfile } from '../domain/monitoring-profile';
import type { RawSample, RollupPoint } from '../domain/sample-series';

export interface MonitoringProfileRepository {
  /** ConflictError (already-exists) when the id is taken. */
  insert(profile: MonitoringProfile): Promise<void>;
  get(id: string): Promise<MonitoringProfile | null>;
  /** Every profile, by name. */
  list(): Promise<MonitoringProfile[]>;
  /** Replaces the profile if it is still at `expectedRevision`; whether it was. */
  replace(profile: MonitoringProfile, expectedRevision: number): Promise<boolean>;
  delete(id: string): Promise<boolean>;
}

/** The last reading of a metric of a device: what the next one's rate is computed from. */
export interface LastReading {
  at: number;
  raw: number;
  uptime?: number;
}

/** What monitoring keeps per device between samples. */
export interface MonitoredDevice {
  deviceId: string;
  /** The data model its paths were reported under (learnt from them). */
  root?: DataModelRoot;
  /** Instance bindings of the catalog's placeholders (`wan` → `2`); unbound ones are instance 1. */
  instances: Record<string, string>;
  last: Record<string, LastReading>;
  /** 0 for a device never stored; each save adds one. */
  revision: number;
  updatedAt?: number;
}

export interface MonitoredDeviceRepository {
  /** The stored states of those devices that have one. */
  getMany(deviceIds: readonly string[]): Promise<Map<string, MonitoredDevice>>;
  /** Stores the state if the stored one is still at `expectedRevision` (0: none stored); whether it was. */
  save(device: MonitoredDevice, expectedRevision: number): Promise<boolean>;
}

/** One sample of one metric to store. */
export interface MetricSample extends RawSample {
  metric: string;
}

/** A raw bucket as the rollup reads it: one device's samples of one UTC day. */
export interface RawBucket {
  id: string;
  deviceId: string;
  start: number;
  end: number;
  /** Samples appended so far: the rollup marks the bucket folded only if none came meanwhile. */
  appended: number;
  series: Map<string, RawSample[]>;
}

export type RollupTier = 'hour' | 'day';

export interface SampleRepository {
  /** Appends a device's samples to the raw buckets of their days: one update per bucket. */
  append(deviceId: string, samples: readonly MetricSample[]): Promise<void>;
  /** Raw samples of a metric in [since, until), in time order. */
  readRaw(deviceId: string, metric: string, since: number, until: number): Promise<RawSample[]>;
  /** Hourly or daily points of a metric starting in [since, until), in time order (a period folded twice: the last). */
  readRollups(tier: RollupTier, deviceId: string, metric: string, since: number, until: number): Promise<RollupPoint[]>;
  /** Raw buckets that ended before `endedBefore` with samples not yet folded, oldest first. */
  dueBuckets(endedBefore: number, limit: number): Promise<RawBucket[]>;
  /** Appends a device's rollup points to the buckets of their periods (hourly: the day's; daily: the month's). */
  appendRollups(tier: RollupTier, deviceId: string, points: ReadonlyArray<{ metric: string; point: RollupPoint }>): Promise<void>;
  /** Marks a bucket folded unless samples were appended since it was read; whether it was. */
  markFolded(bucket: Pick<RawBucket, 'id' | 'appended'>): Promise<boolean>;
  /** Deletes raw buckets folded and ended before `endedBefore` (raw), or rollup buckets ended before it; how many. */
  deleteEnded(tier: 'raw' | RollupTier, endedBefore: number): Promise<number>;
}

export interface MonitoringStore {
  profiles: MonitoringProfileRepository;
  devices: MonitoredDeviceRepository;
  samples: SampleRepository;
  close(): Promise<void>;
}
