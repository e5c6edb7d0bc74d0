import { AcsDeviceEventType, newEvent } from '@acs/contracts';
import { ValidationError, type EventBus, type FieldViolation } from '@acs/platform';

import type { DeviceInventory } from '../inventory/device-inventory';
import type { DeviceRepository } from '../repositories/ports';
import { invalid, requireField } from './violations';

/** A tag is one word: filters compare tags whole, and lists of tags are written comma-separated. */
const TAG = /^[^\s,]{1,128}$/;

export interface TagDeviceCommand {
  deviceId: string;
  tags: readonly string[];
  /** `add` tags the device, `remove` untags it. */
  action: 'add' | 'remove';
}

export interface TagDeviceDeps {
  inventory: DeviceInventory;
  /** The device's identity, for the event. */
  devices: Pick<DeviceRepository, 'find'>;
  /** Where `acs.device.tags-changed` goes (groups reading tags follow it at once). */
  bus: EventBus;
  now: () => number;
}

/**
 * Tags or untags a device; answers the device's tags after and publishes them (`acs.device.tags-changed`, on every
 * successful call: a consumer takes the list as it is, so a repeated one changes nothing). An unknown device:
 * DeviceNotFoundError.
 */
export class TagDevice {
  constructor(private readonly deps: TagDeviceDeps) {}

  async execute(command: TagDeviceCommand): Promise<string[]> {
    const deviceId = requireField(command.deviceId, 'device_id');
    checkTags(command.tags);
    const tags = [...command.tags];
    const { inventory, devices, bus, now } = this.deps;
    const after = command.action === 'add' ? await inventory.setTags(deviceId, tags, []) : await inventory.setTags(deviceId, [], tags);
    const [identity] = await devices.find({ filter: { _id: deviceId }, projection: ['oui', 'productClass', 'serialNumber'], skip: 0, limit: 1 });
    // Deleted since the write: its deletion's event is the last word on it.
    if (identity) {
      const data = { deviceId, oui: identity.oui ?? '', productClass: identity.productClass ?? '', serialNumber: identity.serialNumber ?? '', tags: after };
      await bus.publish([newEvent(AcsDeviceEventType.tagsChanged, deviceId, data, { now: now() })]);
    }
    return after;
  }
}

function checkTags(tags: readonly string[]): void {
  if (tags.length === 0) throw ValidationError.forField('tags', 'at least one tag is required', 'REQUIRED');
  const violations: FieldViolation[] = [];
  tags.forEach((tag, i) => {
    if (!TAG.test(tag)) {
      violations.push({ field: `tags[${i}]`, description: `"${tag}" is not a tag: 1–128 characters, no spaces or commas`, reason: 'BAD_FORMAT' });
    }
  });
  if (violations.length > 0) throw invalid('invalid tags', violations);
}
