import type { FailureThreshold } from './rollout-policy';

/** The finished targets the threshold looks at: how many, and how many of them failed. */
export interface RecentOutcomes {
  finished: number;
  failed: number;
}

/** The reason to pause, when the recent outcomes cross the threshold; null when they do not. */
export function thresholdCrossed(threshold: FailureThreshold, outcomes: RecentOutcomes): string | null {
  const over = 'lastFinished' in threshold.over ? `the last ${outcomes.finished} finished targets` : `targets finished in the last ${formatDuration(threshold.over.windowMs)}`;
  if ('count' in threshold.limit) {
    if (outcomes.failed < threshold.limit.count) return null;
    return `${outcomes.failed} failures among ${over} (threshold ${threshold.limit.count})`;
  }
  if (outcomes.finished < threshold.minFinished || outcomes.finished === 0) return null;
  const percent = (outcomes.failed * 100) / outcomes.finished;
  if (percent < threshold.limit.percent) return null;
  return `${outcomes.failed} of ${over} failed (${round(percent)} %, threshold ${threshold.limit.percent} %)`;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

function formatDuration(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  return `${ms / 1000} s`;
}
