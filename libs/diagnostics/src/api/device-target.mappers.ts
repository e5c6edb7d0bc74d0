import { ValidationError } from '@acs/platform';

/** Which devices a threshold rule or a monitoring profile is for: a filter of the inventory, or a group's members. */
export type DeviceTarget = { filter: string } | { groupId: string };

/** The proto shape both MonitoringTarget and ThresholdRuleTarget have: a oneof of a filter and a group id. */
export interface DeviceTargetProto {
  kind?: { $case: 'filter'; filter: string } | { $case: 'groupId'; groupId: string } | undefined;
}

export function deviceTargetToProto(target: DeviceTarget): DeviceTargetProto {
  return { kind: 'groupId' in target ? { $case: 'groupId', groupId: target.groupId } : { $case: 'filter', filter: target.filter } };
}

/** A request's target; INVALID_ARGUMENT when neither a filter nor a group is set. */
export function deviceTargetFromProto(target: DeviceTargetProto | undefined): DeviceTarget {
  switch (target?.kind?.$case) {
    case 'filter':
      return { filter: target.kind.filter };
    case 'groupId':
      return { groupId: target.kind.groupId };
    case undefined:
      throw ValidationError.forField('target', 'required: filter or group_id', 'REQUIRED');
  }
}
