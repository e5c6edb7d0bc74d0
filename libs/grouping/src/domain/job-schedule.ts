import { CronExpressionParser } from 'cron-parser';
import { isKnownTimeZone } from '@acs/rollout';
import type { FieldViolation } from '@acs/platform';

import type { JobSchedule } from './job';

/**
 * When a schedule's first run is due for a job created at `createdAt` (a time in the past runs at once, as `now`).
 * cron-parser computes the occurrences: 5 fields in an IANA zone, daylight-saving changes included.
 */
export function firstRunAt(schedule: JobSchedule, createdAt: number): number {
  switch (schedule.kind) {
    case 'now':
      return createdAt;
    case 'at':
      return schedule.at;
    case 'cron':
      return nextCronOccurrence(schedule, createdAt);
  }
}

/**
 * When the run after one that fired (or was skipped) at `now` is due: never for a one-off schedule; a cron's next
 * occurrence after now (occurrences missed while no pod ran are not caught up one by one: one run covers them).
 */
export function nextRunAfter(schedule: JobSchedule, now: number): number | undefined {
  return schedule.kind === 'cron' ? nextCronOccurrence(schedule, now) : undefined;
}

function nextCronOccurrence(schedule: { expression: string; timeZone: string }, after: number): number {
  return CronExpressionParser.parse(schedule.expression, { currentDate: new Date(after), tz: schedule.timeZone }).next().getTime();
}

/** What is wrong with a schedule (field paths under `schedule`), nothing when it is good. */
export function scheduleViolations(schedule: JobSchedule): FieldViolation[] {
  if (schedule.kind === 'now') return [];
  if (schedule.kind === 'at') {
    return Number.isFinite(schedule.at) && schedule.at > 0 ? [] : [{ field: 'schedule.at', description: 'must be a time', reason: 'BAD_FORMAT' }];
  }
  const violations: FieldViolation[] = [];
  if (!isKnownTimeZone(schedule.timeZone)) violations.push({ field: 'schedule.time_zone', description: 'must be an IANA time zone such as Europe/Paris', reason: 'BAD_FORMAT' });
  const fields = schedule.expression.trim().split(/\s+/).filter((field) => field !== '');
  if (fields.length !== 5) {
    violations.push({ field: 'schedule.cron', description: `a cron schedule has 5 fields (minute hour day-of-month month day-of-week), found ${fields.length}`, reason: 'BAD_FORMAT' });
  } else if (violations.length === 0) {
    try {
      nextCronOccurrence(schedule, 0);
    } catch (error) {
      violations.push({ field: 'schedule.cron', description: `invalid cron schedule: ${error instanceof Error ? error.message : String(error)}`, reason: 'BAD_FORMAT' });
    }
  }
  return violations;
}
