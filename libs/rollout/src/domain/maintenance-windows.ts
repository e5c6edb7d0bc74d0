/**
 * Maintenance windows: days of the week and a time of day range in an IANA time zone. Local times are read with
 * Intl (the zone database Node ships), so a window follows daylight saving time: "02:00–05:00 Europe/Paris" is three
 * hours of wall-clock time on most nights, two on the night the clocks go forward and four when they go back.
 */

export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export interface MaintenanceWindow {
  /** The days the window opens on (its start's day when it runs past midnight). */
  days: readonly Weekday[];
  /** `HH:MM`, local time. */
  start: string;
  /** `HH:MM`, local time, `24:00` for the end of the day. Earlier than `start`: the window ends the next day. */
  end: string;
}

/** An interval of time [from, to), epoch milliseconds. */
export interface OpenInterval {
  from: number;
  to: number;
}

const TIME_OF_DAY = /^([01]\d|2[0-3]):([0-5]\d)$/;
const DAY_MS = 86_400_000;

/** Minutes after midnight of `HH:MM` (`24:00` is 1440), or null when malformed. */
export function minutesOfDay(text: string, allowEndOfDay = false): number | null {
  if (allowEndOfDay && text === '24:00') return 1440;
  const match = TIME_OF_DAY.exec(text);
  return match ? Number(match[1]) * 60 + Number(match[2]) : null;
}

/** Whether Intl knows the zone. */
export function isKnownTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterOf(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The local wall-clock time at `instant`, as the epoch milliseconds of the same fields read as UTC. */
function wallClockOf(timeZone: string, instant: number): number {
  const fields: Record<string, number> = {};
  for (const part of formatterOf(timeZone).formatToParts(instant)) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  const whole = Date.UTC(fields.year, fields.month - 1, fields.day, fields.hour, fields.minute, fields.second);
  return whole + (((instant % 1000) + 1000) % 1000);
}

/** The zone's offset from UTC at `instant`, in milliseconds (UTC+2 is 7,200,000). */
export function zoneOffsetAt(timeZone: string, instant: number): number {
  return wallClockOf(timeZone, instant) - instant;
}

/**
 * The instant a local wall-clock time (given as its fields read as UTC) happens in the zone. A time the clocks skip
 * (02:30 the night they go forward) is taken as the instant as far after the gap's start as the time is (03:30 local);
 * a time that happens twice (the night they go back) is the first of the two: Temporal's "compatible" choice.
 * Assumes at most one offset change within a day either side, which holds for every zone in the database.
 */
export function instantOfWallClock(timeZone: string, wallClock: number): number {
  const before = zoneOffsetAt(timeZone, wallClock - DAY_MS);
  const after = zoneOffsetAt(timeZone, wallClock + DAY_MS);
  const candidates = [...new Set([before, after])]
    .map((offset) => wallClock - offset)
    .filter((instant) => wallClockOf(timeZone, instant) === wallClock);
  if (candidates.length > 0) return Math.min(...candidates);
  return wallClock - before;
}

/**
 * When a rollout may start work, as a schedule of open intervals. No windows: always open.
 */
export class MaintenanceSchedule {
  private readonly windows: ReadonlyArray<{ days: ReadonlySet<number>; start: number; end: number }>;

  constructor(
    windows: readonly MaintenanceWindow[],
    readonly timeZone: string,
  ) {
    this.windows = windows.map((window) => ({
      days: new Set(window.days.map((day) => WEEKDAYS.indexOf(day))),
      start: minutesOfDay(window.start) ?? 0,
      end: minutesOfDay(window.end, true) ?? 1440,
    }));
  }

  get alwaysOpen(): boolean {
    return this.windows.length === 0;
  }

  isOpen(at: number): boolean {
    return this.alwaysOpen || this.intervalsAround(at, -1, 0).some((interval) => interval.from <= at && at < interval.to);
  }

  /** `at` itself when open, else when the next window opens (null: none within a fortnight, e.g. no days). */
  nextOpening(at: number): number | null {
    if (this.isOpen(at)) return at;
    const starts = this.intervalsAround(at, 0, 14)
      .map((interval) => interval.from)
      .filter((from) => from > at);
    return starts.length > 0 ? Math.min(...starts) : null;
  }

  /** When the window open at `at` closes (overlapping and adjoining windows count as one); null: never. */
  nextClosing(at: number): number | null {
    if (this.alwaysOpen) return null;
    let end = at;
    // Bounded: a schedule open every day all day never closes.
    for (let step = 0; step < 32 && this.isOpen(end); step++) {
      const containing = this.intervalsAround(end, -1, 0).filter((interval) => interval.from <= end && end < interval.to);
      end = Math.max(...containing.map((interval) => interval.to));
    }
    return this.isOpen(end) ? null : end;
  }

  /**
   * The instant by which `workMs` of open time has passed from `from`: the ETA of work done only while a window is
   * open. Null when the schedule does not open again.
   */
  afterOpenTime(from: number, workMs: number): number | null {
    let at = from;
    let left = workMs;
    for (let step = 0; step < 1000; step++) {
      const opening = this.nextOpening(at);
      if (opening === null) return null;
      const closing = this.nextClosing(opening);
      if (closing === null || closing - opening >= left) return opening + left;
      left -= closing - opening;
      at = closing;
    }
    return null;
  }

  /** The windows' intervals that start on the local dates from `firstDay` to `lastDay` days around `at`'s date. */
  private intervalsAround(at: number, firstDay: number, lastDay: number): OpenInterval[] {
    const local = wallClockOf(this.timeZone, at);
    const midnight = local - (((local % DAY_MS) + DAY_MS) % DAY_MS);
    const intervals: OpenInterval[] = [];
    for (let offset = firstDay; offset <= lastDay; offset++) {
      const date = midnight + offset * DAY_MS;
      const weekday = new Date(date).getUTCDay();
      for (const window of this.windows) {
        if (!window.days.has(weekday)) continue;
        const endDate = window.end > window.start ? date : date + DAY_MS;
        const from = instantOfWallClock(this.timeZone, date + window.start * 60_000);
        const to = instantOfWallClock(this.timeZone, endDate + window.end * 60_000);
        if (to > from) intervals.push({ from, to });
      }
    }
    return intervals;
  }
}
