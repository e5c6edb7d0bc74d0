import { DEVICE_FILTER_FIELDS, DEVICE_FILTER_TIME_FIELDS } from '@acs/contracts';
import { FilterSyntaxError, parseFilter, type FilterVocabulary } from '@acs/filter';
import { ValidationError, type FieldViolation } from '@acs/platform';

import { BUILTIN_METRICS, customMetricViolations, type CustomMetricInput } from './metric-catalog';

/**
 * A monitoring profile: which metrics to sample on which devices, how often. The collectors (periodic Informs,
 * scheduled reads, BulkData profiles) read the enabled profiles; samples are stored whatever profile asked for them.
 */
export interface MonitoringProfile {
  id: string;
  name: string;
  /** Metric names: built-in ones and this profile's custom metrics. */
  metrics: string[];
  /** Metrics this profile defines by parameter path. */
  customMetrics: CustomMetricInput[];
  target: MonitoringTarget;
  intervalSeconds: number;
  /** How the values are collected (reads at the device's periodic Informs, or a BulkData profile on the device). */
  source: MonitoringSourceKind;
  enabled: boolean;
  createdAt: number;
  createdBy?: string;
  updatedAt: number;
  /** Starts at 1; each update adds one (an update names the revision it read). */
  revision: number;
}

/**
 * How a profile's samples are collected (besides the values every Inform carries, always taken): `reads` — a
 * GetParameterValues at each device's periodic Inform; `bulkdata` — a TR-181 BulkData HTTP profile set up on each
 * device, reporting to the service's collector (TR-098 devices, which have no BulkData HTTP, are read instead).
 */
export type MonitoringSourceKind = 'reads' | 'bulkdata';
export const MONITORING_SOURCE_KINDS: readonly MonitoringSourceKind[] = ['reads', 'bulkdata'];
export const DEFAULT_MONITORING_SOURCE: MonitoringSourceKind = 'reads';

/** The devices a profile samples: those a filter (the @acs/filter language) matches, or a group's members. */
export type MonitoringTarget = { filter: string } | { groupId: string };

/** What create and update take. */
export interface MonitoringProfileDefinition {
  name: string;
  metrics: string[];
  customMetrics?: CustomMetricInput[];
  target: MonitoringTarget;
  intervalSeconds?: number;
  /** Default `reads`. */
  source?: MonitoringSourceKind;
  enabled?: boolean;
}

export const MIN_INTERVAL_SECONDS = 60;
export const DEFAULT_INTERVAL_SECONDS = 900;
/** A day: a longer interval leaves the daily rollup with less than one sample a day. */
export const MAX_INTERVAL_SECONDS = 86_400;
export const MAX_PROFILE_NAME_LENGTH = 128;
export const MAX_PROFILE_METRICS = 64;

/** Device filters' vocabulary: provisioning's, as @acs/contracts publishes it (the one grouping uses too). */
export const DEVICE_FILTER_VOCABULARY: FilterVocabulary = {
  fields: DEVICE_FILTER_FIELDS,
  timeFields: DEVICE_FILTER_TIME_FIELDS,
  examplePath: 'Device.DeviceInfo.SoftwareVersion',
};

const BUILTIN_NAMES: ReadonlySet<string> = new Set(BUILTIN_METRICS.map((metric) => metric.name));

/** Every violation of a definition, at once. */
export function profileViolations(definition: MonitoringProfileDefinition): FieldViolation[] {
  const violations: FieldViolation[] = [];
  const name = definition.name;
  if (typeof name !== 'string' || name.trim() === '') violations.push({ field: 'name', description: 'is required', reason: 'REQUIRED' });
  else if (name.length > MAX_PROFILE_NAME_LENGTH) violations.push({ field: 'name', description: `is longer than ${MAX_PROFILE_NAME_LENGTH} characters`, reason: 'OUT_OF_RANGE' });
  else if (name !== name.trim() || /\p{Cc}/u.test(name)) violations.push({ field: 'name', description: 'has leading or trailing spaces or control characters', reason: 'BAD_FORMAT' });

  const custom = Array.isArray(definition.customMetrics) ? definition.customMetrics : [];
  if (definition.customMetrics !== undefined && !Array.isArray(definition.customMetrics)) violations.push({ field: 'customMetrics', description: 'is a list', reason: 'BAD_FORMAT' });
  violations.push(...customMetricViolations(custom, 'customMetrics'));
  const known = new Set([...BUILTIN_NAMES, ...custom.map((metric) => metric?.name)]);
  if (!Array.isArray(definition.metrics) || definition.metrics.length === 0) {
    violations.push({ field: 'metrics', description: 'names at least one metric', reason: 'REQUIRED' });
  } else if (definition.metrics.length > MAX_PROFILE_METRICS) {
    violations.push({ field: 'metrics', description: `names at most ${MAX_PROFILE_METRICS} metrics`, reason: 'OUT_OF_RANGE' });
  } else {
    const seen = new Set<string>();
    definition.metrics.forEach((metric, index) => {
      if (!known.has(metric)) violations.push({ field: `metrics[${index}]`, description: `${String(metric)} is neither a built-in metric nor one of customMetrics`, reason: 'UNKNOWN_METRIC' });
      else if (seen.has(metric)) violations.push({ field: `metrics[${index}]`, description: `${metric} is named twice`, reason: 'BAD_FORMAT' });
      seen.add(metric);
    });
  }

  violations.push(...targetViolations(definition.target));

  const interval = definition.intervalSeconds;
  if (interval !== undefined && (!Number.isInteger(interval) || interval < MIN_INTERVAL_SECONDS || interval > MAX_INTERVAL_SECONDS)) {
    violations.push({ field: 'intervalSeconds', description: `is whole seconds from ${MIN_INTERVAL_SECONDS} to ${MAX_INTERVAL_SECONDS}`, reason: 'OUT_OF_RANGE' });
  }
  if (definition.source !== undefined && !MONITORING_SOURCE_KINDS.includes(definition.source)) {
    violations.push({ field: 'source', description: `is one of ${MONITORING_SOURCE_KINDS.join(', ')}`, reason: 'BAD_FORMAT' });
  }
  if (definition.enabled !== undefined && typeof definition.enabled !== 'boolean') violations.push({ field: 'enabled', description: 'is true or false', reason: 'BAD_FORMAT' });
  return violations;
}

function targetViolations(target: MonitoringTarget | undefined): FieldViolation[] {
  if (target === null || typeof target !== 'object') return [{ field: 'target', description: 'is a filter or a group id', reason: 'REQUIRED' }];
  const hasFilter = 'filter' in target && target.filter !== undefined;
  const hasGroup = 'groupId' in target && target.groupId !== undefined;
  if (hasFilter === hasGroup) return [{ field: 'target', description: 'is either a filter or a group id, not both', reason: 'BAD_FORMAT' }];
  if (hasGroup) {
    const groupId = (target as { groupId: unknown }).groupId;
    return typeof groupId === 'string' && groupId.trim() !== '' ? [] : [{ field: 'target.groupId', description: 'is a group id', reason: 'BAD_FORMAT' }];
  }
  const filter = (target as { filter: unknown }).filter;
  if (typeof filter !== 'string') return [{ field: 'target.filter', description: 'is a filter expression', reason: 'BAD_FORMAT' }];
  try {
    parseFilter(filter, DEVICE_FILTER_VOCABULARY);
    return [];
  } catch (error) {
    if (error instanceof FilterSyntaxError) return [{ field: 'target.filter', description: error.message, reason: 'BAD_FORMAT' }];
    throw error;
  }
}

/** Throws one ValidationError listing every violation of a definition. */
export function checkProfileDefinition(definition: MonitoringProfileDefinition): void {
  const violations = profileViolations(definition);
  if (violations.length > 0) throw new ValidationError(`invalid monitoring profile: ${violations.map((v) => `${v.field} ${v.description}`).join('; ')}`, violations);
}
