import { createHash } from 'node:crypto';

import type { AlarmSeverity, ThresholdDirection, ThresholdRule } from './threshold-rule';

export const ALARM_STATES = ['active', 'cleared'] as const;
export type AlarmState = (typeof ALARM_STATES)[number];

/**
 * Why an alarm cleared: `recovered` (its metric came back past clearAt for clearForSeconds), `rule-removed`,
 * `rule-disabled`, `rule-changed` (its metric or direction changed: what it measured is gone), `target-left` (the
 * device no longer matches the rule's filter or left its group).
 */
export const CLEAR_REASONS = ['recovered', 'rule-removed', 'rule-disabled', 'rule-changed', 'target-left'] as const;
export type ClearReason = (typeof CLEAR_REASONS)[number];

export interface AlarmAcknowledgement {
  by: string;
  at: number;
  comment?: string;
}

/** A threshold rule's alarm on one device: active from the point that raised it until the one that cleared it. */
export interface Alarm {
  id: string;
  ruleId: string;
  ruleName: string;
  deviceId: string;
  metric: string;
  severity: AlarmSeverity;
  direction: ThresholdDirection;
  /** The rule's raiseAt when it was raised. */
  threshold: number;
  /** The value of the point that raised it. */
  value: number;
  /** The value of the last point taken while it was active. */
  lastValue: number;
  raisedAt: number;
  clearedAt?: number;
  clearReason?: ClearReason;
  state: AlarmState;
  acknowledged?: AlarmAcknowledgement;
}

/**
 * An alarm's id: a digest of (rule, device, raise time), so the same points evaluated twice (a batch redelivered
 * after a pod died half-way) raise the same alarm, once, rather than a second one.
 */
export function alarmIdOf(ruleId: string, deviceId: string, raisedAt: number): string {
  return createHash('sha256').update(JSON.stringify([ruleId, deviceId, raisedAt])).digest('base64url').slice(0, 22);
}

/** The alarm a rule raises on a device at a point. */
export function newAlarm(rule: ThresholdRule, deviceId: string, raisedAt: number, value: number): Alarm {
  return {
    id: alarmIdOf(rule.id, deviceId, raisedAt),
    ruleId: rule.id,
    ruleName: rule.name,
    deviceId,
    metric: rule.metric,
    severity: rule.severity,
    direction: rule.direction,
    threshold: rule.raiseAt,
    value,
    lastValue: value,
    raisedAt,
    state: 'active',
  };
}

/** Epoch ms as 13 digits: alarms' listing key sorts as text in time order until the year 2286. */
const TIME_DIGITS = 13;

/**
 * The key alarms are listed by, newest first: the raise time, then the id (two alarms raised in the same millisecond
 * keep one order), in one text field so a page starts after one key on every store (keyset paging).
 */
export function alarmListingKey(alarm: Pick<Alarm, 'raisedAt' | 'id'>): string {
  return `${String(Math.max(0, Math.trunc(alarm.raisedAt))).padStart(TIME_DIGITS, '0')}:${alarm.id}`;
}

/**
 * What an `acs.diagnostics.alarm-*` event says (the event's subject is the device). Times are ISO 8601; `value` is
 * the value that raised the alarm, `threshold` the level it crossed.
 */
export interface AlarmEventPayload {
  alarmId: string;
  ruleId: string;
  ruleName: string;
  metric: string;
  severity: AlarmSeverity;
  direction: ThresholdDirection;
  threshold: number;
  value: number;
  raisedAt: string;
  clearedAt?: string;
  acknowledgedBy?: string;
  acknowledgedAt?: string;
}

export const ALARM_EVENT_KINDS = ['raised', 'cleared', 'acknowledged'] as const;
export type AlarmEventKind = (typeof ALARM_EVENT_KINDS)[number];

export function alarmEventPayloadOf(alarm: Alarm): AlarmEventPayload {
  return {
    alarmId: alarm.id,
    ruleId: alarm.ruleId,
    ruleName: alarm.ruleName,
    metric: alarm.metric,
    severity: alarm.severity,
    direction: alarm.direction,
    threshold: alarm.threshold,
    value: alarm.value,
    raisedAt: new Date(alarm.raisedAt).toISOString(),
    ...(alarm.clearedAt !== undefined ? { clearedAt: new Date(alarm.clearedAt).toISOString() } : {}),
    ...(alarm.acknowledged ? { acknowledgedBy: alarm.acknowledged.by, acknowledgedAt: new Date(alarm.acknowledged.at).toISOString() } : {}),
  };
}
