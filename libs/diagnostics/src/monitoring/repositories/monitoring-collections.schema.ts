import { Schema } from 'mongoose';

import { diagnosticsCollections } from '../../repositories/diagnostics-collections.schema';

/*
 * Performance monitoring's collections in the diagnostics service (`diagnostics.*`). Sizing assumption: 1,000,000
 * devices sampled every 15 minutes (docs/diagnostics.md, "Performance monitoring"; ADR 37): one raw bucket per device
 * and UTC day, one hourly bucket per device and UTC day, one daily bucket per device and UTC month. Buckets are read
 * by `_id` (`<deviceId>|<period>`, computed from the range asked for), so no index serves reads; the indexes serve
 * the rollup and the retention.
 */

const options = { versionKey: false, strict: false, minimize: false } as const;

const profileSchema = new Schema(
  {
    _id: { type: String, required: true },
    name: String,
    metrics: [String],
    customMetrics: Schema.Types.Mixed,
    target: Schema.Types.Mixed,
    intervalSeconds: Number,
    source: String,
    enabled: Boolean,
    createdAt: Number,
    createdBy: String,
    updatedAt: Number,
    revision: Number,
  },
  options,
);

// Tens of profiles, read whole (the collectors and the catalog of custom metrics): no query but by _id.
export const monitoringProfileCollection = diagnosticsCollections.define({ name: 'monitoringProfiles', schema: profileSchema, indexes: [] });

/** A device's monitoring state: its data model and instance bindings, the last reading of each metric (for rates). */
const deviceStateSchema = new Schema(
  { _id: { type: String, required: true }, root: String, instances: Schema.Types.Mixed, last: Schema.Types.Mixed, revision: Number, updatedAt: Number },
  options,
);

// Read and written by _id (the device id), a batch of devices at a time ($in).
export const monitoredDeviceCollection = diagnosticsCollections.define({ name: 'monitoredDevices', schema: deviceStateSchema, indexes: [] });

/**
 * A raw bucket: `m.<metric key>.{t, v, r}` parallel arrays (seconds into the day, value, counter rate), `resets`,
 * `n` samples appended, `rollupDue` 1 while it holds samples no rollup has folded.
 */
const rawBucketSchema = new Schema(
  { _id: { type: String, required: true }, deviceId: String, start: Number, end: Number, rollupDue: Number, n: Number, m: Schema.Types.Mixed, resets: Schema.Types.Mixed },
  options,
);

export const rawSampleCollection = diagnosticsCollections.define({
  name: 'sampleBuckets',
  schema: rawBucketSchema,
  indexes: [
    {
      fields: { rollupDue: 1, end: 1 },
      why: 'the rollup: finished buckets still to fold (rollupDue 1, end before now - lateness), and expired folded ones to delete (rollupDue 0, end before the raw retention)',
    },
  ],
});

/**
 * An hourly (per day, written once when the day is folded) or daily (per month, a point appended per day) bucket:
 * `m.<metric key>.{t, n, min, avg, max}` parallel arrays, `t` in hours into the day or days into the month.
 */
const rollupBucketSchema = new Schema({ _id: { type: String, required: true }, deviceId: String, start: Number, end: Number, m: Schema.Types.Mixed }, options);

export const hourlySampleCollection = diagnosticsCollections.define({
  name: 'hourlySamples',
  schema: rollupBucketSchema,
  indexes: [{ fields: { end: 1 }, why: 'the retention: hourly buckets (days) that ended before the hourly retention, deleted by the rollup' }],
});

export const dailySampleCollection = diagnosticsCollections.define({
  name: 'dailySamples',
  schema: rollupBucketSchema.clone(),
  indexes: [{ fields: { end: 1 }, why: 'the retention: daily buckets (months) that ended before the daily retention, deleted by the rollup' }],
});

export const MONITORING_COLLECTIONS = [monitoringProfileCollection, monitoredDeviceCollection, rawSampleCollection, hourlySampleCollection, dailySampleCollection] as const;
