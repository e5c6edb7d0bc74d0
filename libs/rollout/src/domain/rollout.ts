import { ValidationError } from '@acs/platform';

import type { RolloutPolicy } from './rollout-policy';

/** `running` is also the state of a rollout waiting for its window to open: a closed window is not a pause. */
export type RolloutState = 'created' | 'running' | 'paused' | 'completed' | 'cancelled';

export interface PauseReason {
  kind: 'manual' | 'threshold';
  /** For people: who paused it and why, or which threshold was crossed with the figures. */
  text: string;
  at: number;
  /** The wave whose outcomes missed its success criteria, when that is the reason. */
  wave?: number;
}

/** The claim of the pod that schedules a rollout's targets now (one pod at a time, see docs/rollouts.md). */
export interface RolloutDriver {
  owner: string;
  expiresAt: number;
  /** Incremented at each change of owner, so a pod that lost the rollout cannot write as its driver. */
  epoch: number;
}

export interface Rollout {
  id: string;
  policy: RolloutPolicy;
  state: RolloutState;
  pause?: PauseReason;
  createdAt: number;
  startedAt?: number;
  finishedAt?: number;
  /** Every target has been added (targets streamed in batches from a filter arrive before this is set). */
  sealed: boolean;
  /** The wave targets are being added to or finished in, from 0. */
  currentWave: number;
  /** When the current wave met its success criteria (its soak started). */
  wavePassedAt?: number;
  /** A wave an operator let pass by resuming the rollout it had paused. */
  acceptedWave?: number;
  /** Finishes before this do not count towards the failure threshold (the last resume). */
  thresholdSince: number;
  driver?: RolloutDriver;
  /** Starts per second (epoch seconds → count) over the last minute: the rate limit's record. */
  startsBySecond: Record<string, number>;
  /** The next target's insertion number (targets start in insertion order). */
  nextSeq: number;
  revision: number;
}

/**
 * pending → scheduled (claimed by a pod) → in-progress (stages the executor names) → succeeded | failed | skipped;
 * a failed attempt with attempts left goes to retry-wait, then is scheduled again.
 */
export type TargetState = 'pending' | 'scheduled' | 'in-progress' | 'retry-wait' | 'succeeded' | 'failed' | 'skipped';

export const TARGET_STATES: readonly TargetState[] = ['pending', 'scheduled', 'in-progress', 'retry-wait', 'succeeded', 'failed', 'skipped'];

/**
 * A listing of a rollout's targets as a caller asks for it (ListCampaignDevices, ListJobDevices): the states, each
 * known, without repeats — every unknown one named — and a wave number from 0. The states to filter on.
 */
export function validTargetListing(requested: { states: readonly string[]; wave?: number }): TargetState[] {
  const known: ReadonlySet<string> = new Set(TARGET_STATES);
  const unknown = requested.states.map((state, index) => ({ state, index })).filter(({ state }) => !known.has(state));
  if (unknown.length > 0) {
    const violations = unknown.map(({ state, index }) => ({ field: `states[${index}]`, description: `unknown state "${state}" (known: ${TARGET_STATES.join(', ')})`, reason: 'BAD_FORMAT' }));
    throw new ValidationError(violations.map((violation) => `${violation.field}: ${violation.description}`).join('; '), violations);
  }
  const { wave } = requested;
  if (wave !== undefined && (!Number.isSafeInteger(wave) || wave < 0)) throw ValidationError.forField('wave', 'a wave number from 0', 'BAD_FORMAT');
  return [...new Set(requested.states as readonly TargetState[])];
}
/** States of targets that are not finished yet. */
export const UNFINISHED_STATES: readonly TargetState[] = ['pending', 'scheduled', 'in-progress', 'retry-wait'];
/** States of targets that occupy a concurrency slot. */
export const IN_FLIGHT_STATES: readonly TargetState[] = ['scheduled', 'in-progress'];

export interface TargetError {
  /** Machine-readable: a CPE fault code (`9010`), `timeout`, `wrong-version`, `unreachable`, `start-failed`… */
  code: string;
  message: string;
}

export interface RolloutTarget {
  rolloutId: string;
  deviceId: string;
  /** Insertion order. */
  seq: number;
  state: TargetState;
  /** What the executor reports the target is doing while in progress (`downloading`, `installing`). */
  stage?: string;
  /** The wave it was scheduled in (absent until then). */
  wave?: number;
  /** Attempts started. */
  attempts: number;
  /**
   * When the engine must look at the target next, by state: scheduled — its claim expires; in-progress — its attempt
   * times out; retry-wait — its next attempt may start.
   */
  dueAt?: number;
  /** The pod that claimed (and then started) the current attempt. */
  owner?: string;
  scheduledAt?: number;
  /** The current attempt's start, recorded before the executor is called. */
  startedAt?: number;
  finishedAt?: number;
  /**
   * When it succeeded or failed (skipped targets have none): the failure threshold and the finish rate read the
   * targets by this, so skips never crowd the failures out of "the last N".
   */
  decidedAt?: number;
  error?: TargetError;
  skipReason?: string;
  /** The service's own data for the executor (the image to install), carried as given. */
  data?: Record<string, unknown>;
}

/** A target as the service adds it. */
export interface TargetInput {
  deviceId: string;
  data?: Record<string, unknown>;
  /** Known already not to need the work (already on the target version): recorded as skipped with this reason. */
  skip?: string;
}

export function isFinished(state: TargetState): boolean {
  return state === 'succeeded' || state === 'failed' || state === 'skipped';
}
