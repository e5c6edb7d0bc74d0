import { Schema } from 'mongoose';

import { diagnosticsCollections } from '../../repositories/diagnostics-collections.schema';

/**
 * Sample collection's one collection: an entry per (monitoring profile, targeted device), `_id` `<profileId>|<deviceId>`
 * (collection-entry.ts). Sizing: one per device and profile (1,000,000 devices × a few profiles).
 */
const entrySchema = new Schema(
  {
    _id: { type: String, required: true },
    profileId: String,
    deviceId: String,
    root: String,
    mode: String,
    seenAt: Number,
    readTaskId: String,
    dueAt: Number,
    lastReadAt: Number,
    bulkData: Schema.Types.Mixed,
    faults: Number,
    revision: Number,
  },
  { versionKey: false, strict: false, minimize: false },
);

export const collectionEntryCollection = diagnosticsCollections.define({
  name: 'monitoringCollection',
  schema: entrySchema,
  indexes: [
    { fields: { dueAt: 1 }, why: 'the arming round: entries whose next read is due (dueAt <= now), longest due first' },
    { fields: { profileId: 1, seenAt: 1 }, why: "the end of a membership walk: a profile's entries the walk did not find (seenAt before its start), and entries of profiles gone or disabled (profileId $nin)" },
  ],
});
