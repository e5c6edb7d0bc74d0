import { CronExpressionParser } from 'cron-parser';

import type { Preset } from '../domain/preset';

// Which presets an Inform sets off. Event triggers match the Inform's event codes; `anyInform` every Inform; a cron
// trigger fires at the first Inform after one of its ticks, so a device that informs hourly and a preset at "0 3 * * *"
// runs once a day, at the first Inform after 03:00 UTC.

export interface TriggerContext {
  /** The Inform's event codes as the CPE sent them (`0 BOOTSTRAP`, `1 BOOT`, `M Reboot`…). */
  eventCodes: readonly string[];
  /** Epoch ms of this evaluation. */
  now: number;
  /**
   * Epoch ms of the device's previous preset evaluation. Without it (a device never evaluated) no cron tick is
   * considered past: schedules start counting from the first evaluation.
   */
  lastEvaluatedAt?: number;
}

/** The enabled presets with a trigger that fires for this Inform, in the order given. */
export function presetsTriggeredBy(presets: readonly Preset[], context: TriggerContext): Preset[] {
  const codes = new Set(context.eventCodes.map(normaliseEventCode));
  return presets.filter(
    (preset) =>
      preset.enabled &&
      preset.triggers.some((trigger) => {
        if ('event' in trigger) return codes.has(normaliseEventCode(trigger.event));
        if ('anyInform' in trigger) return trigger.anyInform;
        if (context.lastEvaluatedAt === undefined) return false;
        // A tick before the preset existed (or was last changed) does not count for it.
        return cronFiredBetween(trigger.cron, Math.max(context.lastEvaluatedAt, preset.updatedAt), context.now);
      }),
  );
}

/** `0 bootstrap`, ` 0  BOOTSTRAP ` and `0 BOOTSTRAP` are the same event. */
export function normaliseEventCode(code: string): string {
  return code.trim().replace(/\s+/g, ' ').toUpperCase();
}

/** Whether a tick of the (UTC) schedule fell in (from, to]. An expression that cannot be parsed never fires. */
export function cronFiredBetween(expression: string, from: number, to: number): boolean {
  if (!(to > from)) return false;
  try {
    // next() is strictly after currentDate, which makes the window open at `from`.
    const next = CronExpressionParser.parse(expression, { currentDate: new Date(from), tz: 'UTC' }).next();
    return next.getTime() <= to;
  } catch {
    return false;
  }
}

/** Why a cron expression is not acceptable in a preset, or null when it is: 5 fields, or 6 with seconds first, UTC. */
export function cronExpressionProblem(expression: string): string | null {
  const fields = expression.trim().split(/\s+/).filter((f) => f !== '');
  if (fields.length !== 5 && fields.length !== 6) {
    return `a cron schedule has 5 fields (minute hour day-of-month month day-of-week) or 6 (seconds first), found ${fields.length}`;
  }
  try {
    CronExpressionParser.parse(expression, { tz: 'UTC', currentDate: 0 }).next();
    return null;
  } catch (error) {
    return `invalid cron schedule: ${error instanceof Error ? error.message : String(error)}`;
  }
}
