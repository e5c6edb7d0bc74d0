import type { DiagnosticsKind } from './diagnostics-catalog';
import type { DiagnosticsMeasurement, ReportedFields, ReportedValue } from './diagnostics-result';

/** Round trip times in ms: from the µs figures when the device reports them (TR-181 `…Detailed`, UDP echo, server selection), else its ms. */
export interface RoundTrips {
  minRttMs?: number;
  avgRttMs?: number;
  maxRttMs?: number;
}

export function roundTripsOf(fields: ReportedFields): RoundTrips {
  const ms = (us: string, whole: string): number | undefined => {
    const micro = fields[us];
    if (typeof micro === 'number') return micro / 1000;
    const milli = fields[whole];
    return typeof milli === 'number' ? milli : undefined;
  };
  return dropUndefined({ minRttMs: ms('minimumUs', 'minimumMs'), avgRttMs: ms('averageUs', 'averageMs'), maxRttMs: ms('maximumUs', 'maximumMs') });
}

/** A completed run's headline figures, flat (numbers and strings): the `summary` of acs.diagnostics.test-completed. */
export function summaryOf(kind: DiagnosticsKind, measurement: DiagnosticsMeasurement): Record<string, string | number> {
  const { fields, tables, computed } = measurement;
  const pick = (...keys: string[]) => Object.fromEntries(keys.map((key) => [key, flat(fields[key])]).filter(([, value]) => value !== undefined));
  switch (kind) {
    case 'ipPing':
    case 'udpEcho':
      return dropUndefined({ ...pick('successCount', 'failureCount'), ...roundTripsOf(fields), lossRatio: computed.lossRatio, ...pick('ipAddressUsed') });
    case 'traceRoute':
      return dropUndefined({ hopCount: tables['hops']?.length ?? 0, ...pick('responseTimeMs', 'ipAddressUsed') });
    case 'download':
    case 'upload':
      return dropUndefined({
        throughputBitsPerSecond: computed.throughputBitsPerSecond,
        fullLoadingThroughputBitsPerSecond: computed.fullLoadingThroughputBitsPerSecond,
        transferDurationUs: computed.transferDurationUs,
        ...pick('testBytes', 'ipAddressUsed'),
      });
    case 'serverSelection':
      return dropUndefined({ ...pick('fastestHost'), ...roundTripsOf(fields), ...pick('ipAddressUsed') });
    case 'nsLookup': {
      const answers = tables['answers'] ?? [];
      const addresses = [...new Set(answers.flatMap((answer) => (Array.isArray(answer['ipAddresses']) ? answer['ipAddresses'] : [])))];
      return dropUndefined({ ...pick('successCount'), answerCount: answers.length, ...(addresses.length > 0 ? { ipAddresses: addresses.join(',') } : {}) });
    }
    case 'ipLayerCapacity':
      return pick('maxIpLayerCapacityMbps', 'ipLayerCapacitySummaryMbps', 'lossRatioAtMax', 'lossRatioSummary', 'minRttSummaryS');
  }
}

/**
 * Every value of a measurement as text, by key: fields as `<key>`, table rows as `<table>.<instance>.<key>`, computed
 * figures as `computed.<name>`; lists comma-separated, times as the device sent them.
 */
export function flatFieldsOf(measurement: DiagnosticsMeasurement): Record<string, string> {
  const out: Record<string, string> = {};
  const put = (key: string, value: ReportedValue) => {
    const text = textOf(value);
    if (text !== undefined) out[key] = text;
  };
  for (const [key, value] of Object.entries(measurement.fields)) put(key, value);
  for (const [table, rows] of Object.entries(measurement.tables)) {
    for (const row of rows) {
      for (const [key, value] of Object.entries(row)) if (key !== 'instance') put(`${table}.${String(row['instance'])}.${key}`, value);
    }
  }
  for (const [key, value] of Object.entries(measurement.computed)) put(`computed.${key}`, value as number | undefined);
  return out;
}

function textOf(value: ReportedValue): string | undefined {
  if (value === undefined) return undefined;
  if (Array.isArray(value)) return value.join(',');
  if (typeof value === 'object') return value.iso;
  return String(value);
}

function flat(value: ReportedValue): string | number | undefined {
  if (typeof value === 'number' || typeof value === 'string') return value;
  if (typeof value === 'boolean') return String(value);
  return textOf(value);
}

function dropUndefined<T extends Record<string, unknown>>(value: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as { [K in keyof T]: Exclude<T[K], undefined> };
}
