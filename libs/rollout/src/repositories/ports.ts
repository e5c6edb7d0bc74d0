import type { Rollout, RolloutState, RolloutTarget, TargetState } from '../domain/rollout';

/** Targets of one rollout selected by state, wave and times; every field narrows the selection. */
export interface TargetQuery {
  rolloutId: string;
  states?: readonly TargetState[];
  wave?: number;
  /** dueAt ≤ this. */
  dueBy?: number;
  /** decidedAt (succeeded or failed) ≥ this. */
  decidedSince?: number;
  /** startedAt ≥ this. */
  startedSince?: number;
  /** seq > this: the next page of a listing in insertion order (keyset paging, with order `seq`). */
  seqAfter?: number;
}

export type TargetOrder = 'seq' | 'dueAt' | 'decidedAt-desc';

/** What a target must still be for a change to apply (compare-and-set). */
export interface TargetExpectation {
  state: TargetState | readonly TargetState[];
  attempts?: number;
  owner?: string;
  dueBy?: number;
}

export interface TargetChange {
  set?: Partial<Omit<RolloutTarget, 'rolloutId' | 'deviceId' | 'seq'>>;
  unset?: ReadonlyArray<'stage' | 'dueAt' | 'owner' | 'error' | 'skipReason' | 'wave'>;
  incAttempts?: boolean;
}

export interface RolloutExpectation {
  states?: readonly RolloutState[];
  revision?: number;
  driverEpoch?: number;
}

export interface RolloutChange {
  set?: Partial<Omit<Rollout, 'id' | 'revision' | 'nextSeq'>>;
  unset?: ReadonlyArray<'pause' | 'wavePassedAt' | 'acceptedWave'>;
}

/**
 * What a pod saw of a target (an event of its task or device), kept until the rollout's driver applies it: a pod that
 * does not drive the rollout leaves its news here rather than writing the target itself, so a rollout's targets have
 * one writer (docs/rollouts.md, "Guarantees").
 */
export interface RolloutObservation {
  id: string;
  rolloutId: string;
  deviceId: string;
  /** When it was posted; the driver applies a rollout's observations in this order. */
  at: number;
  /** The service's own record of what it saw (JSON), read back by its `interpret`. */
  body: Record<string, unknown>;
}

/**
 * Where rollouts and their targets are kept. Every change is a compare-and-set on one document, so two pods working
 * on one rollout never both move a target out of the same state.
 */
export interface RolloutStore {
  /** ConflictError (already-exists) when the id is taken. */
  createRollout(rollout: Rollout): Promise<void>;
  getRollout(id: string): Promise<Rollout | null>;
  listRollouts(states: readonly RolloutState[], limit: number): Promise<Rollout[]>;
  /** Applies the change (and a new revision) when the rollout is as expected; the rollout after, or null. */
  updateRollout(id: string, expect: RolloutExpectation, change: RolloutChange): Promise<Rollout | null>;
  /**
   * Makes `owner` the rollout's driver until `expiresAt` if it already is, or if no live driver holds it (the epoch
   * then moves on); the rollout after, or null when another pod drives it.
   */
  acquireDriver(id: string, owner: string, now: number, expiresAt: number): Promise<Rollout | null>;
  /** Reserves `count` consecutive insertion numbers; the first. */
  reserveSeq(id: string, count: number): Promise<number>;

  /** Inserts the targets not there yet (by rollout and device); how many were new. */
  insertTargets(targets: readonly RolloutTarget[]): Promise<number>;
  getTarget(rolloutId: string, deviceId: string): Promise<RolloutTarget | null>;
  findTargets(query: TargetQuery, options: { order: TargetOrder; limit: number; skip?: number }): Promise<RolloutTarget[]>;
  countTargets(query: TargetQuery): Promise<number>;
  /** Targets of a device in the given states, across rollouts (a device's outcome arriving by device id). */
  findTargetsOfDevice(deviceId: string, states: readonly TargetState[]): Promise<RolloutTarget[]>;
  /** Applies the change when the target is as expected; the target after, or null. */
  updateTarget(rolloutId: string, deviceId: string, expect: TargetExpectation, change: TargetChange): Promise<RolloutTarget | null>;

  /** Keeps an observation for the rollout's driver (ConflictError when the id is taken). */
  postObservation(observation: RolloutObservation): Promise<void>;
  /** A rollout's oldest observations, by `at`. */
  findObservations(rolloutId: string, limit: number): Promise<RolloutObservation[]>;
  /** Removes an applied observation; whether it was there. */
  deleteObservation(id: string): Promise<boolean>;
  close(): Promise<void>;
}
