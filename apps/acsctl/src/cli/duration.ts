import { UsageError } from './cli-errors';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `500ms`, `30s`, `2m`, `1h`, `7d`, or a bare number of seconds, as milliseconds. */
export function parseDuration(text: string, option: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text.trim());
  if (!match) throw new UsageError(`${option}: "${text}" is not a duration (e.g. 30s, 500ms, 2m)`);
  const ms = Math.round(Number(match[1]) * UNIT_MS[match[2] ?? 's']);
  if (ms <= 0) throw new UsageError(`${option}: the duration must be positive`);
  return ms;
}

/** The inverse of parseDuration for messages: `60s`, `1.5s`, `2m`. */
export function formatDuration(ms: number): string {
  if (ms % 60_000 === 0 && ms >= 60_000) return `${ms / 60_000}m`;
  if (ms >= 1000) return `${Number((ms / 1000).toFixed(1))}s`;
  return `${ms}ms`;
}

/** A time option: a duration back from now (`5m`, `90s`, `2h`) or an ISO 8601 time (`2026-11-22T06:00:00Z`). */
export function parseTimeOrAgo(text: string, option: string, now: number): Date {
  if (/^\d{4}-\d{2}-\d{2}T/.test(text)) {
    const time = Date.parse(text);
    if (Number.isNaN(time)) throw new UsageError(`${option}: "${text}" is not a time (e.g. 2026-11-22T06:00:00Z)`);
    return new Date(time);
  }
  return new Date(now - parseDuration(text, option));
}
