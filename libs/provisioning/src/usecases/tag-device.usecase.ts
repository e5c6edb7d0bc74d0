import { ValidationError, type FieldViolation } from '@acs/platform';

import type { DeviceInventory } from '../inventory/device-inventory';
import { invalid, requireField } from './violations';

/** A tag is one word: filters compare tags whole, and lists of tags are written comma-separated. */
const TAG = /^[^\s,]{1,128}$/;

export interface TagDeviceCommand {
  deviceId: string;
  tags: readonly string[];
  /** `add` tags the device, `remove` untags it. */
  action: 'add' | 'remove';
}

/** Tags or untags a device; answers the device's tags after. An unknown device: DeviceNotFoundError. */
export class TagDevice {
  constructor(private readonly inventory: DeviceInventory) {}

  async execute(command: TagDeviceCommand): Promise<string[]> {
    const deviceId = requireField(command.deviceId, 'device_id');
    checkTags(command.tags);
    const tags = [...command.tags];
    return command.action === 'add' ? this.inventory.setTags(deviceId, tags, []) : this.inventory.setTags(deviceId, [], tags);
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
