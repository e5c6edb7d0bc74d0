import type { CollectionDefinition, IndexDeclaration, ServiceCollections } from '@acs/infra-mongo';
import { Schema } from 'mongoose';

/*
 * A rollout's two collections, declared in the registry of the service that runs rollouts (firmware campaigns,
 * grouping's bulk jobs), so they are `<service>.rollouts`, `<service>.rolloutTargets` and `<service>.rolloutObservations` and their indexes are built
 * with the service's. Sizing assumption: 1,000,000 targets per rollout; what a tick reads is bounded by the
 * concurrency, the current wave or the batch it starts (and a count of the targets for percentage steps).
 */

export const ROLLOUT_INDEXES: readonly IndexDeclaration[] = [
  { fields: { state: 1 }, why: 'the rollouts a pod drives: running and paused ones, ticked periodically' },
];

export const ROLLOUT_TARGET_INDEXES: readonly IndexDeclaration[] = [
  {
    fields: { rolloutId: 1, state: 1, seq: 1 },
    why: "a rollout's pending targets in insertion order (the next to schedule); counts per state; a listing of one state paged by seq",
  },
  {
    fields: { rolloutId: 1, seq: 1 },
    why: "a rollout's targets in insertion order whatever their state, paged by seq (ListCampaignDevices without or with several states)",
  },
  {
    fields: { rolloutId: 1, state: 1, dueAt: 1 },
    why: 'targets needing the engine by now: expired claims (scheduled), timed-out attempts (in-progress), retries due (retry-wait)',
  },
  { fields: { rolloutId: 1, wave: 1, state: 1 }, why: 'counts per wave and state: whether a wave has finished and passed, progress per wave' },
  {
    fields: { rolloutId: 1, decidedAt: -1 },
    why: 'the last N targets to succeed or fail, or those decided in a time window: the failure threshold, the finish rate',
  },
  { fields: { rolloutId: 1, startedAt: -1 }, why: 'targets started in the last minutes: the start rate of the progress view' },
  { fields: { deviceId: 1, state: 1 }, why: "a device's in-progress targets across rollouts, when its outcome arrives by device (acs.task / acs.device)" },
];

export const ROLLOUT_OBSERVATION_INDEXES: readonly IndexDeclaration[] = [
  { fields: { rolloutId: 1, at: 1 }, why: "a rollout's observations in the order they were posted, applied by its driver at each tick" },
];

const options = { versionKey: false, strict: false, minimize: false } as const;

const rolloutSchema = new Schema(
  {
    _id: { type: String, required: true },
    policy: Schema.Types.Mixed,
    state: String,
    pause: Schema.Types.Mixed,
    createdAt: Number,
    startedAt: Number,
    finishedAt: Number,
    sealed: Boolean,
    currentWave: Number,
    wavePassedAt: Number,
    acceptedWave: Number,
    thresholdSince: Number,
    driver: Schema.Types.Mixed,
    startsBySecond: Schema.Types.Mixed,
    nextSeq: Number,
    revision: Number,
  },
  options,
);

const targetSchema = new Schema(
  {
    /** `<rolloutId>:<deviceId>`. */
    _id: { type: String, required: true },
    rolloutId: String,
    deviceId: String,
    seq: Number,
    state: String,
    stage: String,
    wave: Number,
    attempts: Number,
    dueAt: Number,
    owner: String,
    scheduledAt: Number,
    startedAt: Number,
    finishedAt: Number,
    decidedAt: Number,
    error: Schema.Types.Mixed,
    skipReason: String,
    data: Schema.Types.Mixed,
  },
  options,
);

/** Short-lived: posted by a pod that saw a target's news, deleted by the rollout's driver once applied. */
const observationSchema = new Schema(
  {
    _id: { type: String, required: true },
    rolloutId: String,
    deviceId: String,
    at: Number,
    body: Schema.Types.Mixed,
  },
  options,
);

export interface RolloutCollectionDefinitions {
  rollouts: CollectionDefinition;
  targets: CollectionDefinition;
  observations: CollectionDefinition;
}

/** Declares the rollout collections in a service's registry (call once, at module load, like every declaration). */
export function defineRolloutCollections(registry: ServiceCollections): RolloutCollectionDefinitions {
  return {
    rollouts: registry.define({ name: 'rollouts', schema: rolloutSchema, indexes: ROLLOUT_INDEXES }) as unknown as CollectionDefinition,
    targets: registry.define({ name: 'rolloutTargets', schema: targetSchema, indexes: ROLLOUT_TARGET_INDEXES }) as unknown as CollectionDefinition,
    observations: registry.define({ name: 'rolloutObservations', schema: observationSchema, indexes: ROLLOUT_OBSERVATION_INDEXES }) as unknown as CollectionDefinition,
  };
}

/** The declared indexes as the SQLite store takes them: each a list of fields. */
export function indexFieldLists(indexes: readonly IndexDeclaration[]): string[][] {
  return indexes.map((index) => Object.keys(index.fields));
}
