import type { AlarmEventKind, AlarmEventPayload } from '../domain/alarm';
import type { RuleTarget } from '../domain/threshold-rule';

/**
 * Which devices a rule's target selects. The service's wiring answers it over provisioning's devices (a filter) and
 * grouping's ListDeviceGroups (a group), with a cache: an evaluation asks once per rule per batch, and only for the
 * devices near or over the rule's threshold.
 */
export interface RuleTargets {
  /** Of `deviceIds`, those the target selects now. */
  matching(target: RuleTarget, deviceIds: readonly string[]): Promise<ReadonlySet<string>>;
  /** Whether the group exists (a rule may not target an unknown group). */
  groupExists(groupId: string): Promise<boolean>;
}

/**
 * Where alarms' facts go: `acs.diagnostics.alarm-raised` / `-cleared` / `-acknowledged` events about the device (the
 * service module builds them from the event catalog).
 */
export interface AlarmEvents {
  publish(kind: AlarmEventKind, deviceId: string, payload: AlarmEventPayload): Promise<void>;
}
