/**
 * The starts-per-minute limit, kept as counts per second over the last minute (at most 61 entries in the rollout's
 * document). A second partly inside the last 60 s counts whole, so the record may refuse a start a little early but
 * never lets more than the limit start in any 60 s.
 */
const MINUTE_MS = 60_000;

/** Starts still allowed at `now`. */
export function startsAllowed(limit: number | undefined, startsBySecond: Record<string, number>, now: number): number {
  if (limit === undefined) return Number.POSITIVE_INFINITY;
  return Math.max(0, limit - startsInLastMinute(startsBySecond, now));
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

/** When the oldest second still counted stops counting: the next time a start may be allowed. */
export function nextStartFreedAt(startsBySecond: Record<string, number>, now: number): number | null {
  const counted = Object.keys(startsBySecond)
    .map(Number)
    .filter((second) => countsAt(second, now));
  return counted.length === 0 ? null : (Math.min(...counted) + 1) * 1000 + MINUTE_MS;
}

function countsAt(second: number, now: number): boolean {
  return (second + 1) * 1000 + MINUTE_MS > now;
}
