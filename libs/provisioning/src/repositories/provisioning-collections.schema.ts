import { ServiceCollections } from '@acs/infra-mongo';
import { Schema } from 'mongoose';

import { DEVICE_RECORD_FIELDS, deviceFieldKind } from '../domain/device-fields';

/*
 * Provisioning's MongoDB collections and every index, each with the query it serves. The repositories write through
 * the driver collection (stored-device.ts describes the shape); these schemas document the shape and carry the
 * indexes. Sizing assumption: 1,000,000 devices; a device query that an operator screen or a campaign runs must not
 * scan the devices collection (docs/adr/0006-provisioning-storage.md).
 */

export const provisioningCollections = new ServiceCollections('provisioning');

const options = { versionKey: false, strict: false, minimize: false } as const;

const deviceSchema = new Schema(
  {
    _id: { type: String, required: true },
    // The record's scalar fields (domain/device-fields.ts): text as String, times (epoch milliseconds) and numbers as Number.
    ...Object.fromEntries(
      DEVICE_RECORD_FIELDS.filter((f) => deviceFieldKind(f) !== 'list').map((f) => [f, deviceFieldKind(f) === 'text' ? String : Number]),
    ),
    recentEvents: [{ _id: false, at: Number, codes: [String] }],
    tags: [String],
    /** The parameter tree: one nested key per path segment, nodes { _v, _t, _w, _o, _at }. */
    p: Schema.Types.Mixed,
  },
  options,
);

export const deviceCollection = provisioningCollections.define({
  name: 'devices',
  schema: deviceSchema,
  indexes: [
    { fields: { tags: 1 }, why: 'devices carrying a tag: group membership, tag preconditions, NBI filters on tags (multikey)' },
    { fields: { serialNumber: 1 }, why: 'find a device by serial number (support desk search, NBI filter on serialNumber)' },
    { fields: { oui: 1, productClass: 1 }, why: 'inventory by vendor and model: NBI filters and counts on oui / oui+productClass' },
    { fields: { productClass: 1, softwareVersion: 1 }, why: 'firmware campaigns and reports: devices of a model, optionally on a given software version' },
    { fields: { lastInform: -1 }, why: 'devices by last contact: "recently seen" listings sorted newest first, and "not seen since T" offline reports' },
    { fields: { registeredAt: -1 }, why: 'devices registered in a period (onboarding reports), newest first' },
    { fields: { ip: 1 }, sparse: true, why: 'find a device by its WAN address (abuse reports, support); devices without one stay out' },
  ],
});

const taskSchema = new Schema(
  {
    _id: { type: String, required: true },
    deviceId: String,
    spec: Schema.Types.Mixed,
    status: String,
    source: String,
    channel: String,
    attempts: Number,
    maxAttempts: Number,
    createdAt: Number,
    updatedAt: Number,
    notBefore: Number,
    /** Pending tasks only: notBefore, or createdAt. */
    dueAt: Number,
    expiresAt: Number,
    dispatchedAt: Number,
    completedAt: Number,
    workItemIds: [String],
    /** Small results only (INLINE_RESULT_MAX_BYTES); larger ones are in taskResults. */
    resultJson: String,
    resultSummary: Schema.Types.Mixed,
    fault: Schema.Types.Mixed,
    revision: Number,
  },
  options,
);

export const taskCollection = provisioningCollections.define({
  name: 'tasks',
  schema: taskSchema,
  indexes: [
    { fields: { deviceId: 1, status: 1, createdAt: 1 }, why: "activeForDevice: a device's pending+dispatched tasks oldest first (every Inform); list by device" },
    { fields: { status: 1, dueAt: 1 }, why: 'due: pending tasks whose dueAt (notBefore or createdAt) has come, longest waiting first' },
    { fields: { status: 1, expiresAt: 1 }, why: 'expire: pending/dispatched tasks past expiresAt' },
    { fields: { status: 1, createdAt: -1 }, why: 'list by status newest first (e.g. faulted tasks on an operator screen)' },
    { fields: { source: 1, createdAt: -1 }, why: 'list the tasks one preset (source preset:<name>) or the API created, newest first' },
    { fields: { createdAt: -1 }, why: 'list all tasks newest first (no filter)' },
  ],
});

/** Task results too large for the task's document, in chunks of consecutive entries (task-result.repository.ts). */
const taskResultSchema = new Schema(
  {
    _id: { type: String, required: true },
    taskId: String,
    /** Offsets in the result of the chunk's first and last entries. */
    first: Number,
    last: Number,
    kind: String,
    entriesJson: String,
  },
  options,
);

export const taskResultCollection = provisioningCollections.define({
  name: 'taskResults',
  schema: taskResultSchema,
  indexes: [
    {
      fields: { taskId: 1, first: 1 },
      why: "GetTaskResult: a task's chunks overlapping a page's offsets, in order; and deleting a task's chunks with it",
    },
  ],
});

const presetSchema = new Schema(
  {
    _id: { type: String, required: true },
    weight: Number,
    channel: String,
    precondition: String,
    triggers: Schema.Types.Mixed,
    actionsJson: String,
    enabled: Boolean,
    updatedAt: Number,
    /** Tombstone of a deleted preset. */
    deletedAt: Number,
  },
  options,
);

export const presetCollection = provisioningCollections.define({
  name: 'presets',
  schema: presetSchema,
  indexes: [{ fields: { updatedAt: 1 }, why: 'changedSince: presets written or deleted after the catalog last loaded them (polled for reload)' }],
});

const faultSchema = new Schema(
  {
    _id: { type: String, required: true },
    deviceId: String,
    channel: String,
    code: String,
    message: String,
    retries: Number,
    firstAt: Number,
    lastAt: Number,
    detailJson: String,
  },
  options,
);

export const faultCollection = provisioningCollections.define({
  name: 'faults',
  schema: faultSchema,
  indexes: [
    { fields: { deviceId: 1, lastAt: -1 }, why: "list a device's faults, latest first (device page, NBI)" },
    { fields: { channel: 1, lastAt: -1 }, why: 'list the faults of one channel (one preset or campaign), latest first' },
    { fields: { lastAt: -1 }, why: 'list all faults latest first (no filter)' },
  ],
});
