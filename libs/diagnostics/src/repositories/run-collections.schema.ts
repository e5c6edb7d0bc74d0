import { Schema } from 'mongoose';

import { diagnosticsCollections } from './diagnostics-collections.schema';

/*
 * The test runs' collections (`diagnostics.runs`, `diagnostics.runSlots`). Sizing assumption: a few runs per device
 * per day at most, kept as history (tens of millions over a large fleet's months); slots are only the runs going on.
 */

const options = { versionKey: false, strict: false, minimize: false } as const;

const runSchema = new Schema(
  {
    _id: { type: String, required: true },
    deviceId: String,
    kind: String,
    root: String,
    objectPath: String,
    inputs: Schema.Types.Mixed,
    valuesSet: Schema.Types.Mixed,
    status: String,
    requestedBy: String,
    createdAt: Number,
    deadline: Number,
    startedAt: Number,
    completedAt: Number,
    setTaskId: String,
    readTaskId: String,
    state: String,
    reason: String,
    measurement: Schema.Types.Mixed,
  },
  options,
);

export const runCollection = diagnosticsCollections.define({
  name: 'runs',
  schema: runSchema,
  indexes: [
    { fields: { deviceId: 1, createdAt: -1, _id: -1 } as const, why: "ListDiagnostics of one device (its kind or status filtered among the device's few runs), newest first" },
    { fields: { createdAt: -1, _id: -1 } as const, why: 'ListDiagnostics over every device, newest first' },
    { fields: { status: 1, deadline: 1 } as const, why: "the sweeper's running runs past their deadline, the earliest first" },
  ],
});

/**
 * One document per device test object with a run going on, `_id` = `<deviceId>|<objectPath>`: inserting it is the
 * atomic claim (a second insert is a duplicate key on every store), deleting it when the run ends frees the object.
 */
const runSlotSchema = new Schema({ _id: { type: String, required: true }, runId: String, deadline: Number }, options);

// Read and written by _id only.
export const runSlotCollection = diagnosticsCollections.define({ name: 'runSlots', schema: runSlotSchema, indexes: [] });
