import type { WavePolicy } from './rollout-policy';

/**
 * How many targets wave `wave` (from 0) holds when the rollout has `total` targets: the canary first (when there is
 * one), then steps. A percentage step is of all the rollout's targets, rounded up, so a step is never empty.
 */
export function waveSize(policy: WavePolicy, wave: number, total: number): number {
  if (policy.canary > 0 && wave === 0) return policy.canary;
  if ('size' in policy.step) return policy.step.size;
  return Math.max(1, Math.ceil((policy.step.percent * total) / 100));
}

/** Whether a finished wave's outcomes meet its success criteria; the share is of targets that succeeded or failed. */
export function waveMeetsCriteria(policy: WavePolicy, succeeded: number, failed: number): { passed: boolean; successPercent: number } {
  const decided = succeeded + failed;
  const successPercent = decided === 0 ? 100 : (succeeded * 100) / decided;
  return { passed: successPercent >= policy.minSuccessPercent, successPercent };
}
