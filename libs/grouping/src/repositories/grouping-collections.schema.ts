import { ServiceCollections } from '@acs/infra-mongo';
import { defineRolloutCollections } from '@acs/rollout';
import { Schema } from 'mongoose';

/*
 * The grouping service's MongoDB collections and every index, each with the query it serves. The repositories write
 * through the driver collection (MongoDocumentCollection); these schemas document the shape and carry the indexes.
 * Sizing assumption: hundreds of groups; up to millions of (group, device) pairs (a dynamic group may hold the fleet).
 */

export const groupingCollections = new ServiceCollections('grouping');

const options = { versionKey: false, strict: false, minimize: false } as const;

const groupSchema = new Schema(
  {
    _id: { type: String, required: true },
    name: String,
    kind: String,
    filter: String,
    parentId: String,
    description: String,
    createdAt: Number,
    createdBy: String,
    updatedAt: Number,
    revision: Number,
  },
  options,
);

export const groupCollection = groupingCollections.define({
  name: 'groups',
  schema: groupSchema,
  // Every group is read whole (GroupDirectory): no query but by _id.
  indexes: [],
});

/** One document per group name (`_id` = the name): the name's uniqueness on every store, SQLite included. */
const groupNameSchema = new Schema({ _id: { type: String, required: true }, groupId: String }, options);

export const groupNameCollection = groupingCollections.define({ name: 'groupNames', schema: groupNameSchema, indexes: [] });

/** A (group, device) pair; `_id` is `<groupId>:<deviceId>`, so a pair exists once. */
const membershipSchema = new Schema({ _id: { type: String, required: true }, groupId: String, deviceId: String, since: Number }, options);

const MEMBERSHIP_INDEXES = [
  { fields: { groupId: 1, deviceId: 1 } as const, why: "a group's members paged in device-id order (keyset), their count, a full evaluation's diff" },
  { fields: { deviceId: 1, groupId: 1 } as const, why: 'the groups of a device: a deleted device leaves them all; the API\'s groups of a device' },
];

export const memberCollection = groupingCollections.define({ name: 'members', schema: membershipSchema, indexes: MEMBERSHIP_INDEXES });

/** A lease: which pod does a periodic work (the re-evaluation of groups no event keeps current) until when. */
const leaseSchema = new Schema({ _id: { type: String, required: true }, owner: String, expiresAt: Number, epoch: Number }, options);

// A handful of documents, each read and written by _id (the work's name).
export const leaseCollection = groupingCollections.define({ name: 'leases', schema: leaseSchema, indexes: [] });

export const explicitMemberCollection = groupingCollections.define({
  name: 'explicitMembers',
  schema: membershipSchema.clone(),
  indexes: MEMBERSHIP_INDEXES,
});

const jobSchema = new Schema(
  {
    _id: { type: String, required: true },
    name: String,
    target: Schema.Types.Mixed,
    action: Schema.Types.Mixed,
    schedule: Schema.Types.Mixed,
    policy: Schema.Types.Mixed,
    runCount: Number,
    nextRunAt: Number,
    skippedRuns: Number,
    campaignRun: Schema.Types.Mixed,
    cancelledAt: Number,
    cancelledBy: String,
    createdAt: Number,
    createdBy: String,
    revision: Number,
  },
  options,
);

/** Bulk jobs; their runs are the rollouts below (`_id` of a run = `<jobId>.<n>`). Sizing: thousands of jobs. */
export const jobCollection = groupingCollections.define({
  name: 'jobs',
  schema: jobSchema,
  indexes: [
    { fields: { nextRunAt: 1 } as const, why: 'the jobs whose next run is due, read by every pod\'s job scheduler at each tick' },
    { fields: { createdAt: -1, _id: -1 } as const, why: 'ListJobs, newest first' },
    { fields: { 'campaignRun.status': 1 } as const, why: "the campaign jobs' runs still going, polled by every pod's job scheduler at each tick" },
  ],
});

/** The jobs' runs, targets and observations (libs/rollout), declared with the service's so db-indexes builds their indexes. */
export const groupingRolloutCollections = defineRolloutCollections(groupingCollections);
