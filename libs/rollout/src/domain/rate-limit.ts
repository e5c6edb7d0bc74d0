/**
 * The starts-per-minute limit, kept as counts per second over the last minute (at most 61 entries in the rollout's
 * document). A second partly inside the last 60 s counts whole, so the record may refuse a start a little early but
 * never lets more than the limit start in any 60 s.
 *
 * The limit is also spread over the minute: at most ceil(limit / 60) starts in one second and, below 60 a minute, one
 * start every floor(60 / limit) seconds. A limit of 600 a minute is 10 reboots a second, not 600 at once and then
 * nothing: what an operator protecting a RADIUS server or a DHCP pool from a reboot storm means by it, and what the
 * devices see (their connection requests and sessions arrive spread as the starts were).
 */
const MINUTE_MS = 60_000;

/** Starts still allowed at `now`. */
export function startsAllowed(limit: number | undefined, startsBySecond: Record<string, number>, now: number): number {
  if (limit === undefined) return Number.POSITIVE_INFINITY;
  const byMinute = limit - startsInLastMinute(startsBySecond, now);
  return Math.max(0, Math.min(byMinute, startsBySpread(limit, startsBySecond, now)));
}

export function startsInLastMinute(startsBySecond: Record<string, number>, now: number): number {
  let count = 0;
  for (const [second, starts] of Object.entries(startsBySecond)) {
    if (countsAt(Number(second), now)) count += starts;
  }
  return count;
}

/** The record with `count` starts added at `now` and the seconds that no longer count dropped. */
export function recordStarts(startsBySecond: Record<string, number>, now: number, count: number): Record<string, number> {
  const kept: Record<string, number> = {};
  for (const [second, starts] of Object.entries(startsBySecond)) {
    if (countsAt(Number(second), now)) kept[second] = starts;
  }
  const second = String(Math.floor(now / 1000));
  kept[second] = (kept[second] ?? 0) + count;
  return kept;
}

/** When a start refused at `now` may be allowed: each rule that refuses it frees at its own time, the latest of them. */
export function nextStartFreedAt(limit: number | undefined, startsBySecond: Record<string, number>, now: number): number | null {
  if (limit === undefined) return null;
  const counted = countedSeconds(startsBySecond, now);
  if (counted.length === 0) return null;
  let freedAt = now;
  if (startsInLastMinute(startsBySecond, now) >= limit) freedAt = Math.max(freedAt, (Math.min(...counted) + 1) * 1000 + MINUTE_MS);
  const second = Math.floor(now / 1000);
  if ((startsBySecond[String(second)] ?? 0) >= perSecond(limit)) freedAt = Math.max(freedAt, (second + 1) * 1000);
  const gap = gapSeconds(limit);
  const last = Math.max(...counted.filter((s) => (startsBySecond[String(s)] ?? 0) > 0));
  if (gap > 1 && second - last < gap) freedAt = Math.max(freedAt, (last + gap) * 1000);
  return freedAt > now ? freedAt : null;
}

function startsBySpread(limit: number, startsBySecond: Record<string, number>, now: number): number {
  const second = Math.floor(now / 1000);
  const gap = gapSeconds(limit);
  if (gap > 1) {
    for (let earlier = second - gap + 1; earlier <= second; earlier++) {
      if ((startsBySecond[String(earlier)] ?? 0) > 0) return 0;
    }
  }
  return perSecond(limit) - (startsBySecond[String(second)] ?? 0);
}

function perSecond(limit: number): number {
  return Math.max(1, Math.ceil(limit / 60));
}

/** Seconds between starts for a limit below one a second (1 otherwise). */
function gapSeconds(limit: number): number {
  return limit >= 60 ? 1 : Math.floor(60 / limit);
}

function countedSeconds(startsBySecond: Record<string, number>, now: number): number[] {
  return Object.keys(startsBySecond)
    .map(Number)
    .filter((second) => countsAt(second, now));
}

function countsAt(second: number, now: number): boolean {
  return (second + 1) * 1000 + MINUTE_MS > now;
}
