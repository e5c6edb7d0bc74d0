import { CwmpCommandType, newEvent, type ConnectionRequestCommand } from '@acs/contracts';
import type { EventBus } from '@acs/platform';

import type { DeviceRecord } from '../domain/device';

/**
 * Asks the gateway pool to wake a device with a connection request, on `cwmp.commands`: any gateway pod sends it
 * and publishes the outcome, which comes back to provisioning as a `cwmp.connection-request` event.
 */
export class DeviceWaker {
  constructor(
    private readonly bus: EventBus,
    private readonly now: () => number = Date.now,
  ) {}

  /** `taskIds` are the tasks waiting for the device: a device that cannot be woken fails them. */
  async wake(device: Pick<DeviceRecord, 'id'> & Partial<DeviceRecord>, taskIds: string[]): Promise<void> {
    const command: ConnectionRequestCommand = {
      deviceId: device.id,
      taskIds,
      url: device.connectionRequestUrl,
      udpAddress: device.udpConnectionRequestAddress,
      username: device.connectionRequestUsername,
      password: device.connectionRequestPassword,
    };
    await this.bus.publish([newEvent(CwmpCommandType.connectionRequest, device.id, command, { now: this.now() })]);
  }
}
