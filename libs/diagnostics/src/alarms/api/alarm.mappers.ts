import { acsV1 as pb } from '@acs/contracts';
import { ValidationError } from '@acs/platform';

import { deviceTargetFromProto, deviceTargetToProto } from '../../api/device-target.mappers';
import type { Alarm, AlarmState } from '../domain/alarm';
import type { AlarmSeverity, RuleTarget, ThresholdDirection, ThresholdRule } from '../domain/threshold-rule';
import type { AlarmQuery } from '../repositories/ports';
import type { CreateThresholdRuleCommand } from '../usecases/create-threshold-rule.usecase';
import type { UpdateThresholdRuleCommand } from '../usecases/update-threshold-rule.usecase';

export function ruleTargetToProto(target: RuleTarget): pb.ThresholdRuleTarget {
  return deviceTargetToProto(target);
}

/** A request's target; INVALID_ARGUMENT when neither a filter nor a group is set. */
export function ruleTargetFromProto(target: pb.ThresholdRuleTarget | undefined): RuleTarget {
  return deviceTargetFromProto(target);
}

export function thresholdRuleToProto(rule: ThresholdRule): pb.ThresholdRule {
  return {
    id: rule.id,
    name: rule.name,
    metric: rule.metric,
    target: ruleTargetToProto(rule.target),
    direction: rule.direction,
    raiseAt: rule.raiseAt,
    clearAt: rule.clearAt,
    forSeconds: rule.forSeconds,
    clearForSeconds: rule.clearForSeconds,
    severity: rule.severity,
    enabled: rule.enabled,
    description: rule.description ?? '',
    createTime: new Date(rule.createdAt),
    createdBy: rule.createdBy,
    updateTime: new Date(rule.updatedAt),
    revision: rule.revision,
  };
}

/** A create request as the use case takes it: direction and severity passed as written (the use case names a wrong one). */
export function createRuleCommandFromProto(request: pb.CreateThresholdRuleRequest, createdBy: string): CreateThresholdRuleCommand {
  return {
    name: request.name,
    metric: request.metric,
    target: ruleTargetFromProto(request.target),
    direction: request.direction as ThresholdDirection,
    raiseAt: request.raiseAt,
    ...(request.clearAt !== undefined ? { clearAt: request.clearAt } : {}),
    forSeconds: request.forSeconds,
    clearForSeconds: request.clearForSeconds,
    severity: request.severity as AlarmSeverity,
    ...(request.enabled !== undefined ? { enabled: request.enabled } : {}),
    ...(request.description !== '' ? { description: request.description } : {}),
    createdBy,
  };
}

/** An update request: unset fields unchanged. */
export function updateRuleCommandFromProto(request: pb.UpdateThresholdRuleRequest): UpdateThresholdRuleCommand {
  if (request.ruleId === '') throw ValidationError.forField('rule_id', 'required', 'REQUIRED');
  const optional = {
    revision: request.revision,
    name: request.name,
    metric: request.metric,
    direction: request.direction as ThresholdDirection | undefined,
    raiseAt: request.raiseAt,
    clearAt: request.clearAt,
    forSeconds: request.forSeconds,
    clearForSeconds: request.clearForSeconds,
    severity: request.severity as AlarmSeverity | undefined,
    enabled: request.enabled,
    description: request.description,
  };
  return {
    id: request.ruleId,
    ...Object.fromEntries(Object.entries(optional).filter(([, value]) => value !== undefined)),
    ...(request.target ? { target: ruleTargetFromProto(request.target) } : {}),
  };
}

export function alarmToProto(alarm: Alarm): pb.Alarm {
  return {
    id: alarm.id,
    ruleId: alarm.ruleId,
    ruleName: alarm.ruleName,
    deviceId: alarm.deviceId,
    metric: alarm.metric,
    severity: alarm.severity,
    direction: alarm.direction,
    threshold: alarm.threshold,
    value: alarm.value,
    lastValue: alarm.lastValue,
    raiseTime: new Date(alarm.raisedAt),
    ...(alarm.clearedAt !== undefined ? { clearTime: new Date(alarm.clearedAt) } : {}),
    state: alarm.state,
    clearReason: alarm.clearReason ?? '',
    ...(alarm.acknowledged
      ? { acknowledgement: { by: alarm.acknowledged.by, time: new Date(alarm.acknowledged.at), comment: alarm.acknowledged.comment ?? '' } }
      : {}),
  };
}

/** What a ListAlarms request narrows by ("" = any): state and severity as written (the use case names a wrong one). */
export function alarmQueryFromProto(request: pb.ListAlarmsRequest): AlarmQuery {
  return {
    ...(request.deviceId !== '' ? { deviceId: request.deviceId } : {}),
    ...(request.ruleId !== '' ? { ruleId: request.ruleId } : {}),
    ...(request.state !== '' ? { state: request.state as AlarmState } : {}),
    ...(request.severity !== '' ? { severity: request.severity as AlarmSeverity } : {}),
    ...(request.acknowledged !== undefined ? { acknowledged: request.acknowledged } : {}),
  };
}
