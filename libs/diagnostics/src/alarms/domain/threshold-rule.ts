import { DEVICE_FILTER_FIELDS, DEVICE_FILTER_TIME_FIELDS } from '@acs/contracts';
import { FilterSyntaxError, parseFilter, type FilterVocabulary } from '@acs/filter';
import { ValidationError, type FieldViolation } from '@acs/platform';

export const ALARM_SEVERITIES = ['critical', 'major', 'minor', 'warning'] as const;
export type AlarmSeverity = (typeof ALARM_SEVERITIES)[number];

export const THRESHOLD_DIRECTIONS = ['above', 'below'] as const;
/** `above`: a value at or over `raiseAt` is a breach (CPU load); `below`: at or under it (optical power, throughput). */
export type ThresholdDirection = (typeof THRESHOLD_DIRECTIONS)[number];

/** Which devices a rule watches: the devices matching a filter (docs/filter-language.md) or a group's members. */
export type RuleTarget = { filter: string } | { groupId: string };

/**
 * A threshold on one metric for a set of devices, with hysteresis (two levels) and durations (docs/diagnostics.md,
 * "Thresholds and alarms"; ADR 36). The state each (rule, device) is in lives in threshold-state.ts.
 */
export interface ThresholdRule {
  id: string;
  /** Unique among rules. */
  name: string;
  /** A MetricPoint's metric (`wan.bytesReceived`, `optical.rxPower`). */
  metric: string;
  target: RuleTarget;
  direction: ThresholdDirection;
  /** The level that raises: reached (`>=` above, `<=` below) for `forSeconds`. */
  raiseAt: number;
  /** The level that clears: passed (`<` above, `>` below) for `clearForSeconds`; on the normal side of `raiseAt` or equal. */
  clearAt: number;
  /** How long the breach must hold (point to point) before the alarm is raised; 0 raises on the first breaching point. */
  forSeconds: number;
  /** How long the clear condition must hold before the alarm clears; 0 clears on the first clearing point. */
  clearForSeconds: number;
  severity: AlarmSeverity;
  /** A disabled rule evaluates nothing, and disabling it clears its alarms. */
  enabled: boolean;
  description?: string;
  createdAt: number;
  createdBy: string;
  updatedAt: number;
  /** Moves on with every change; updates compare against it. */
  revision: number;
}

/** What an operator defines of a rule, as create and update take it. */
export type ThresholdRuleDefinition = Pick<
  ThresholdRule,
  'name' | 'metric' | 'target' | 'direction' | 'raiseAt' | 'clearAt' | 'forSeconds' | 'clearForSeconds' | 'severity' | 'enabled' | 'description'
>;

export const MAX_RULE_NAME_LENGTH = 128;
export const MAX_RULE_DESCRIPTION_LENGTH = 1024;
/** A day: a longer duration is a trend, not a threshold (and a gap that long is stale anyway). */
export const MAX_RULE_SECONDS = 86_400;
/** Metric names as monitoring names them: dotted words (`wan.bytesReceived`). */
const METRIC_NAME = /^[A-Za-z][A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+)*$/;
const MAX_METRIC_LENGTH = 128;

/** Device filters' vocabulary: provisioning's, as @acs/contracts publishes it (a rule's filter is a device filter). */
export const RULE_FILTER_VOCABULARY: FilterVocabulary = {
  fields: DEVICE_FILTER_FIELDS,
  timeFields: DEVICE_FILTER_TIME_FIELDS,
  examplePath: 'Device.DeviceInfo.SoftwareVersion',
};

/** Every violation of a definition, each naming its field. */
export function thresholdRuleViolations(definition: ThresholdRuleDefinition): FieldViolation[] {
  const violations: FieldViolation[] = [];
  const add = (field: string, description: string, reason: string) => violations.push({ field, description, reason });
  const name = definition.name ?? '';
  if (name.trim() === '') add('name', 'is required', 'REQUIRED');
  else if (name.length > MAX_RULE_NAME_LENGTH) add('name', `is longer than ${MAX_RULE_NAME_LENGTH} characters`, 'OUT_OF_RANGE');
  else if (name !== name.trim() || /\p{Cc}/u.test(name)) add('name', 'has leading or trailing spaces or control characters', 'BAD_FORMAT');
  const metric = definition.metric ?? '';
  if (metric === '') add('metric', 'is required', 'REQUIRED');
  else if (metric.length > MAX_METRIC_LENGTH || !METRIC_NAME.test(metric)) add('metric', 'is a metric name: dotted words such as `wan.bytesReceived`', 'BAD_FORMAT');
  violations.push(...targetViolations(definition.target));
  if (!THRESHOLD_DIRECTIONS.includes(definition.direction)) add('direction', `is one of ${THRESHOLD_DIRECTIONS.join(', ')}`, 'BAD_FORMAT');
  if (!ALARM_SEVERITIES.includes(definition.severity)) add('severity', `is one of ${ALARM_SEVERITIES.join(', ')}`, 'BAD_FORMAT');
  const levelsFinite = [['raiseAt', definition.raiseAt] as const, ['clearAt', definition.clearAt] as const].every(([field, value]) => {
    if (typeof value === 'number' && Number.isFinite(value)) return true;
    add(field, 'is a finite number', 'BAD_FORMAT');
    return false;
  });
  if (levelsFinite && definition.direction === 'above' && definition.clearAt > definition.raiseAt) {
    add('clearAt', `is at most raiseAt (${definition.raiseAt}) for a rule that raises above it`, 'OUT_OF_RANGE');
  }
  if (levelsFinite && definition.direction === 'below' && definition.clearAt < definition.raiseAt) {
    add('clearAt', `is at least raiseAt (${definition.raiseAt}) for a rule that raises below it`, 'OUT_OF_RANGE');
  }
  for (const field of ['forSeconds', 'clearForSeconds'] as const) {
    const value = definition[field];
    if (!Number.isInteger(value) || value < 0 || value > MAX_RULE_SECONDS) add(field, `is a whole number of seconds from 0 to ${MAX_RULE_SECONDS}`, 'OUT_OF_RANGE');
  }
  if (typeof definition.enabled !== 'boolean') add('enabled', 'is true or false', 'BAD_FORMAT');
  if ((definition.description ?? '').length > MAX_RULE_DESCRIPTION_LENGTH) add('description', `is longer than ${MAX_RULE_DESCRIPTION_LENGTH} characters`, 'OUT_OF_RANGE');
  return violations;
}

function targetViolations(target: RuleTarget | undefined): FieldViolation[] {
  if (!target || typeof target !== 'object') return [{ field: 'target', description: 'is required: a filter or a group id', reason: 'REQUIRED' }];
  if ('groupId' in target) {
    return typeof target.groupId === 'string' && target.groupId !== '' ? [] : [{ field: 'target.groupId', description: 'is a group id', reason: 'REQUIRED' }];
  }
  if (typeof target.filter !== 'string') return [{ field: 'target', description: 'is required: a filter or a group id', reason: 'REQUIRED' }];
  try {
    // "" is every device, as everywhere a device filter is taken.
    if (target.filter.trim() !== '') parseFilter(target.filter, RULE_FILTER_VOCABULARY);
    return [];
  } catch (error) {
    if (error instanceof FilterSyntaxError) return [{ field: 'target.filter', description: error.message, reason: 'BAD_FORMAT' }];
    throw error;
  }
}

/** Throws a ValidationError naming every wrong field of a definition. */
export function checkThresholdRule(definition: ThresholdRuleDefinition): void {
  const violations = thresholdRuleViolations(definition);
  if (violations.length > 0) throw new ValidationError(`invalid threshold rule: ${violations.map((v) => `${v.field} ${v.description}`).join('; ')}`, violations);
}

/** The fields whose change makes the rule's evaluation state meaningless (what was measured, or on which side). */
export function changesWhatIsMeasured(before: ThresholdRule, after: ThresholdRule): boolean {
  return before.metric !== after.metric || before.direction !== after.direction;
}
