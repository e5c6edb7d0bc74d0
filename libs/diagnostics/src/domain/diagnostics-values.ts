import { UNKNOWN_TIME, type CwmpValue, type ParameterValueStruct } from '@acs/cwmp';

/** A value as read from a device: a typed CWMP value, or its plain form as stored (string, number, boolean). */
export type ReadValue = CwmpValue | string | number | boolean | null | undefined;

/** The values read after `8 DIAGNOSTICS COMPLETE`, by full parameter path. */
export type ReadValues = Readonly<Record<string, ReadValue>>;

/** The values of a GetParameterValuesResponse, by path. */
export function readValuesOf(list: readonly ParameterValueStruct[]): ReadValues {
  return Object.fromEntries(list.map((pv) => [pv.name, pv.value]));
}

/** A time the device reported: as sent, and in microseconds since the epoch for arithmetic (TR-143 gives µs). */
export interface ReportedTime {
  iso: string;
  epochUs: number;
}

// Devices are sloppy: numbers come as text, with blanks, or empty when the test did not get that far. Each reader
// returns undefined for "not reported" rather than a made-up zero.

function raw(value: ReadValue): string | number | boolean | undefined {
  if (value === null || value === undefined) return undefined;
  return typeof value === 'object' ? value.value : value;
}

export function readText(value: ReadValue): string | undefined {
  const v = raw(value);
  if (v === undefined) return undefined;
  const text = String(v).trim();
  return text === '' ? undefined : text;
}

/** A non-negative whole number (unsignedInt, unsignedLong within 2^53). */
export function readCount(value: ReadValue): number | undefined {
  const v = raw(value);
  if (typeof v === 'number') return Number.isSafeInteger(v) && v >= 0 ? v : undefined;
  const text = readText(value);
  if (text === undefined || !/^\+?\d+$/.test(text)) return undefined;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** A decimal (IP capacity's Mbps, ratios, seconds). */
export function readDecimal(value: ReadValue): number | undefined {
  const v = raw(value);
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  const text = readText(value);
  if (text === undefined || !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) return undefined;
  return Number(text);
}

export function readBoolean(value: ReadValue): boolean | undefined {
  const v = raw(value);
  if (typeof v === 'boolean') return v;
  const text = readText(value)?.toLowerCase();
  if (text === 'true' || text === '1') return true;
  if (text === 'false' || text === '0') return false;
  return undefined;
}

/** A comma-separated list (RTTimes, IPAddresses), blanks dropped. */
export function readList(value: ReadValue): string[] {
  const text = readText(value);
  return text === undefined ? [] : text.split(',').map((item) => item.trim()).filter((item) => item !== '');
}

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})?$/;

/**
 * A dateTime with its fraction kept to the microsecond (Date.parse stops at milliseconds, and a 1 MB transfer on a
 * fast line takes a few of them). The unknown time `0001-01-01T00:00:00Z` and anything before 1970 mean "not
 * measured". A time without a zone is read as UTC, as TR-106 says for CPE times without one.
 */
export function readTime(value: ReadValue): ReportedTime | undefined {
  const iso = readText(value);
  if (iso === undefined || iso === UNKNOWN_TIME) return undefined;
  const m = DATE_TIME.exec(iso);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, fraction = '', zone = 'Z'] = m;
  const wholeMs = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  if (!Number.isFinite(wholeMs) || wholeMs < 0) return undefined;
  const offsetMinutes = zone === 'Z' ? 0 : (zone[0] === '-' ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
  const micros = Number(fraction.padEnd(6, '0').slice(0, 6));
  return { iso, epochUs: (wholeMs - offsetMinutes * 60_000) * 1000 + micros };
}
