import { ValidationError, type FieldViolation } from '@acs/platform';

import { isKnownTimeZone, minutesOfDay, WEEKDAYS, type MaintenanceWindow } from './maintenance-windows';

/**
 * How a rollout proceeds. Every field is described in docs/rollouts.md; validateRolloutPolicy says what is accepted.
 */
export interface RolloutPolicy {
  waves: WavePolicy;
  /** When targets may start. Empty: at any time. */
  windows: readonly MaintenanceWindow[];
  /** IANA zone the windows are in (`Europe/Paris`). */
  timeZone: string;
  /** Targets scheduled or in progress at once, at most. */
  concurrency: number;
  /** Starts (first attempts and retries) in any 60 seconds, at most. Absent: no limit beyond the concurrency. */
  startsPerMinute?: number;
  /** Carried to the executor: `active` reaches the device now (connection request), `passive` at its next inform. */
  mode: 'active' | 'passive';
  retry: RetryPolicy;
  /** How long one attempt may stay in progress before it fails with `timeout`. */
  attemptTimeoutMs: number;
  failureThreshold?: FailureThreshold;
}

export interface WavePolicy {
  /** Targets in the first wave (0: no canary, the first step is the first wave). */
  canary: number;
  /** Every later wave: a number of targets, or a percentage of all the rollout's targets (rounded up). */
  step: { size: number } | { percent: number };
  /**
   * A wave has passed when all its targets have finished and at least this share of those that succeeded or failed
   * succeeded; a wave below it pauses the rollout (threshold). 0 lets every finished wave pass.
   */
  minSuccessPercent: number;
  /** Time to wait after a wave passed before the next one starts (watch the canary's devices for a while). */
  soakMs: number;
}

export interface RetryPolicy {
  /** Attempts per target, the first included (1: no retry). */
  maxAttempts: number;
  /** Wait before the second attempt; each later one waits `multiplier` times longer, up to `maxBackoffMs`. */
  initialBackoffMs: number;
  multiplier: number;
  maxBackoffMs: number;
}

/**
 * Pauses the rollout when too many of the recent finished targets failed: `count` failures or `percent` of them, over
 * the last `lastFinished` targets to finish or those that finished in the last `windowMs`. A percentage is judged only
 * once `minFinished` targets are in the window, so the first failure is not 100 %.
 */
export interface FailureThreshold {
  limit: { count: number } | { percent: number };
  over: { lastFinished: number } | { windowMs: number };
  minFinished: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 1, initialBackoffMs: 60_000, multiplier: 2, maxBackoffMs: 3_600_000 };

/** The wait before attempt number `attempt + 1`, after `attempt` attempts failed. */
export function retryBackoffMs(retry: RetryPolicy, attempt: number): number {
  const backoff = retry.initialBackoffMs * Math.pow(retry.multiplier, Math.max(0, attempt - 1));
  return Math.min(retry.maxBackoffMs, Math.round(backoff));
}

/**
 * The policy, or a ValidationError listing every field that is wrong (field paths as `policy.waves.canary`).
 */
export function validateRolloutPolicy(policy: RolloutPolicy, field = 'policy'): RolloutPolicy {
  const violations: FieldViolation[] = [];
  const refuse = (path: string, description: string, reason = 'OUT_OF_RANGE') => violations.push({ field: `${field}.${path}`, description, reason });
  const wholeAtLeast = (path: string, value: unknown, min: number) => {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min) refuse(path, `must be a whole number ≥ ${min}`);
  };
  const percent = (path: string, value: unknown, min: number) => {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > 100) refuse(path, `must be a percentage from ${min} to 100`);
  };

  const waves = policy.waves ?? ({} as WavePolicy);
  wholeAtLeast('waves.canary', waves.canary, 0);
  if (waves.step && 'size' in waves.step) wholeAtLeast('waves.step.size', waves.step.size, 1);
  else if (waves.step && 'percent' in waves.step) percent('waves.step.percent', waves.step.percent, 0.001);
  else refuse('waves.step', 'must be { size } or { percent }', 'REQUIRED');
  percent('waves.minSuccessPercent', waves.minSuccessPercent, 0);
  wholeAtLeast('waves.soakMs', waves.soakMs, 0);

  if (typeof policy.timeZone !== 'string' || !isKnownTimeZone(policy.timeZone)) refuse('timeZone', 'must be an IANA time zone such as Europe/Paris', 'BAD_FORMAT');
  (policy.windows ?? []).forEach((window, index) => {
    const path = `windows[${index}]`;
    if (!Array.isArray(window.days) || window.days.length === 0 || window.days.some((day) => !WEEKDAYS.includes(day))) {
      refuse(`${path}.days`, `must list days among ${WEEKDAYS.join(', ')}`, 'BAD_FORMAT');
    }
    const start = minutesOfDay(window.start);
    const end = minutesOfDay(window.end, true);
    if (start === null) refuse(`${path}.start`, 'must be a time HH:MM', 'BAD_FORMAT');
    if (end === null) refuse(`${path}.end`, 'must be a time HH:MM (24:00 for midnight at the end of the day)', 'BAD_FORMAT');
    if (start !== null && end !== null && start === end) {
      refuse(path, 'starts and ends at the same time; for a whole day use 00:00–24:00', 'BAD_FORMAT');
    }
  });

  wholeAtLeast('concurrency', policy.concurrency, 1);
  if (policy.startsPerMinute !== undefined) wholeAtLeast('startsPerMinute', policy.startsPerMinute, 1);
  if (policy.mode !== 'active' && policy.mode !== 'passive') refuse('mode', 'must be active or passive', 'BAD_FORMAT');
  wholeAtLeast('attemptTimeoutMs', policy.attemptTimeoutMs, 1);

  const retry = policy.retry ?? ({} as RetryPolicy);
  wholeAtLeast('retry.maxAttempts', retry.maxAttempts, 1);
  wholeAtLeast('retry.initialBackoffMs', retry.initialBackoffMs, 0);
  if (typeof retry.multiplier !== 'number' || !(retry.multiplier >= 1)) refuse('retry.multiplier', 'must be a number ≥ 1');
  wholeAtLeast('retry.maxBackoffMs', retry.maxBackoffMs, 0);

  const threshold = policy.failureThreshold;
  if (threshold) {
    if ('count' in threshold.limit) wholeAtLeast('failureThreshold.limit.count', threshold.limit.count, 1);
    else if ('percent' in threshold.limit) percent('failureThreshold.limit.percent', threshold.limit.percent, 0.001);
    else refuse('failureThreshold.limit', 'must be { count } or { percent }', 'REQUIRED');
    if ('lastFinished' in threshold.over) wholeAtLeast('failureThreshold.over.lastFinished', threshold.over.lastFinished, 1);
    else if ('windowMs' in threshold.over) wholeAtLeast('failureThreshold.over.windowMs', threshold.over.windowMs, 1);
    else refuse('failureThreshold.over', 'must be { lastFinished } or { windowMs }', 'REQUIRED');
    wholeAtLeast('failureThreshold.minFinished', threshold.minFinished, 1);
  }

  if (violations.length > 0) throw new ValidationError(`invalid rollout policy: ${violations.map((v) => `${v.field} ${v.description}`).join('; ')}`, violations);
  return policy;
}
