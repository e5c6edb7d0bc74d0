import { acsV1 as pb } from '@acs/contracts';
import { ValidationError } from '@acs/platform';

import type { Weekday } from '../domain/maintenance-windows';
import { DEFAULT_RETRY, type FailureThreshold, type RolloutPolicy } from '../domain/rollout-policy';
import type { RolloutProgress } from '../engine/rollout-progress';

// The acs.v1 messages every rollout of the API shares (rollouts.proto: a campaign's, a job's run), mapped once for
// the services that serve them (firmware's CampaignService, grouping's JobService).

/** The policy as the rollout engine takes it; its validation (at creation) names what is wrong. Unset numbers take the documented defaults. */
export function policyFromProto(policy: pb.RolloutPolicy | undefined): RolloutPolicy {
  if (!policy) throw ValidationError.forField('policy', 'required', 'REQUIRED');
  if (policy.stepSize > 0 && policy.stepPercent > 0) throw ValidationError.forField('policy.step_size', 'set step_size or step_percent, not both', 'BAD_FORMAT');
  if (policy.failureCount > 0 && policy.failurePercent > 0) throw ValidationError.forField('policy.failure_count', 'set failure_count or failure_percent, not both', 'BAD_FORMAT');
  const threshold: FailureThreshold | undefined =
    policy.failureCount > 0 || policy.failurePercent > 0
      ? {
          limit: policy.failureCount > 0 ? { count: policy.failureCount } : { percent: policy.failurePercent },
          over: policy.overWindowMs > 0 ? { windowMs: policy.overWindowMs } : { lastFinished: policy.overLastFinished },
          // 0 is the proto's unset: judge from the first finished device.
          minFinished: policy.minFinished || 1,
        }
      : undefined;
  return {
    waves: {
      canary: policy.canary,
      step: policy.stepPercent > 0 ? { percent: policy.stepPercent } : { size: policy.stepSize },
      minSuccessPercent: policy.minSuccessPercent,
      soakMs: policy.soakMs,
    },
    windows: policy.windows.map((window) => ({ days: window.days as Weekday[], start: window.start, end: window.end })),
    timeZone: policy.timeZone || 'UTC',
    concurrency: policy.concurrency,
    ...(policy.startsPerMinute > 0 ? { startsPerMinute: policy.startsPerMinute } : {}),
    mode: policy.mode as RolloutPolicy['mode'],
    retry: {
      maxAttempts: policy.maxAttempts || DEFAULT_RETRY.maxAttempts,
      initialBackoffMs: policy.initialBackoffMs || DEFAULT_RETRY.initialBackoffMs,
      multiplier: policy.backoffMultiplier || DEFAULT_RETRY.multiplier,
      maxBackoffMs: policy.maxBackoffMs || DEFAULT_RETRY.maxBackoffMs,
    },
    attemptTimeoutMs: policy.attemptTimeoutMs,
    ...(threshold ? { failureThreshold: threshold } : {}),
  };
}

export function policyToProto(policy: RolloutPolicy): pb.RolloutPolicy {
  const threshold = policy.failureThreshold;
  return {
    canary: policy.waves.canary,
    stepSize: 'size' in policy.waves.step ? policy.waves.step.size : 0,
    stepPercent: 'percent' in policy.waves.step ? policy.waves.step.percent : 0,
    minSuccessPercent: policy.waves.minSuccessPercent,
    soakMs: policy.waves.soakMs,
    windows: policy.windows.map((window) => ({ days: [...window.days], start: window.start, end: window.end })),
    timeZone: policy.timeZone,
    concurrency: policy.concurrency,
    startsPerMinute: policy.startsPerMinute ?? 0,
    mode: policy.mode,
    maxAttempts: policy.retry.maxAttempts,
    initialBackoffMs: policy.retry.initialBackoffMs,
    backoffMultiplier: policy.retry.multiplier,
    maxBackoffMs: policy.retry.maxBackoffMs,
    attemptTimeoutMs: policy.attemptTimeoutMs,
    failureCount: threshold && 'count' in threshold.limit ? threshold.limit.count : 0,
    failurePercent: threshold && 'percent' in threshold.limit ? threshold.limit.percent : 0,
    overLastFinished: threshold && 'lastFinished' in threshold.over ? threshold.over.lastFinished : 0,
    overWindowMs: threshold && 'windowMs' in threshold.over ? threshold.over.windowMs : 0,
    minFinished: threshold?.minFinished ?? 0,
  };
}

export function progressToProto(progress: RolloutProgress): pb.RolloutProgress {
  return {
    status: progress.state,
    pauseKind: progress.pause?.kind ?? '',
    pauseReason: progress.pause?.text ?? '',
    total: progress.total,
    counts: { ...progress.counts },
    stages: { ...progress.stages },
    waves: progress.waves.map((wave) => ({ wave: wave.wave, size: wave.size, counts: { ...wave.counts } })),
    currentWave: progress.currentWave,
    startedPerMinute: progress.startedPerMinute,
    finishedPerMinute: progress.finishedPerMinute,
    windowOpen: progress.windowOpen,
    ...(progress.nextWindowOpening !== undefined ? { nextWindowOpening: new Date(progress.nextWindowOpening) } : {}),
    ...(progress.eta !== null ? { eta: new Date(progress.eta) } : {}),
  };
}
