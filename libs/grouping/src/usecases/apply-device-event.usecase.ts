import { AcsDeviceEventType, type AcsDeviceEventData } from '@acs/contracts';

import { deviceViewOfEvent } from '../domain/device-view';
import { EVERY_KEY } from '../domain/group-directory';
import type { MembershipChange } from '../domain/group';
import type { MembershipMaintainer } from './membership-maintainer';

/** The acs.device types that change what a group may read of a device. */
export type DeviceEventType = (typeof AcsDeviceEventType)[keyof typeof AcsDeviceEventType];

/**
 * What each device event may have changed, as reference keys (group-rule.ts). Identity (id, OUI, product class,
 * serial number, manufacturer, root object, registeredAt) never changes for a device, so it is read at registration
 * only. An Inform moves `lastInform` and may move the address and versions; a boot also `lastBoot`. A new or
 * factory-reset device may differ in anything. Tags change only through the API, which tells the tags after.
 */
const INFORM_KEYS = ['field:softwareVersion', 'field:hardwareVersion', 'field:ip', 'field:lastInform', 'field:periodicInformInterval'];
const TOUCHED_BY: Record<Exclude<DeviceEventType, 'acs.device.deleted'>, readonly string[]> = {
  [AcsDeviceEventType.registered]: [EVERY_KEY],
  [AcsDeviceEventType.bootstrapped]: [EVERY_KEY],
  [AcsDeviceEventType.booted]: [...INFORM_KEYS, 'field:lastBoot'],
  [AcsDeviceEventType.parametersChanged]: INFORM_KEYS,
  [AcsDeviceEventType.tagsChanged]: ['tag'],
};

/** Keeps dynamic groups current with one acs.device event: only the groups reading what changed, for that device. */
export class ApplyDeviceEvent {
  constructor(private readonly maintainer: MembershipMaintainer) {}

  execute(type: DeviceEventType, data: AcsDeviceEventData): Promise<MembershipChange[]> {
    if (type === AcsDeviceEventType.deleted) return this.maintainer.applyDeviceChange({ deviceId: data.deviceId, touched: new Set(), deleted: true });
    const touched = new Set(TOUCHED_BY[type]);
    for (const parameter of data.parameters ?? []) touched.add(`param:${parameter.path}`);
    return this.maintainer.applyDeviceChange({ deviceId: data.deviceId, touched, view: deviceViewOfEvent(data) });
  }
}
