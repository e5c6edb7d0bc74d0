import { NotFoundError, type Logger } from '@acs/platform';

import type { DeviceRecord } from '../domain/device';
import type { DeviceInventory } from '../inventory/device-inventory';
import type { DeviceRepository, FaultRepository, TaskRepository } from '../repositories/ports';
import { TaskNotFoundError, TaskStateError, type TaskLifecycle } from '../tasks/task-lifecycle';
import { requireField } from './violations';

/** The identity of a forgotten device, as `acs.device.deleted` publishes it. */
export type DeletedDevice = Pick<DeviceRecord, 'id' | 'oui' | 'productClass' | 'serialNumber'>;

export interface DeleteDeviceDeps {
  devices: Pick<DeviceRepository, 'get'>;
  tasks: Pick<TaskRepository, 'activeForDevice'>;
  faults: Pick<FaultRepository, 'list' | 'clear'>;
  lifecycle: TaskLifecycle;
  inventory: DeviceInventory;
  /** Publishes `acs.device.deleted` (the device's last event on the public topic). */
  onDeviceDeleted?: (device: DeletedDevice) => Promise<void>;
  logger: Logger;
}

/**
 * Forgets a device. Its pending and dispatched tasks are cancelled through the lifecycle, which withdraws their
 * queued work items (the task records stay, as history); its faults are cleared; then the inventory entry goes.
 * Work items that belong to no task are not provisioning's and stay in the device's queue.
 */
export class DeleteDevice {
  constructor(private readonly deps: DeleteDeviceDeps) {}

  async execute(command: { deviceId: string }): Promise<void> {
    const deviceId = requireField(command.deviceId, 'device_id');
    const { devices, tasks, faults, lifecycle, inventory } = this.deps;
    const device = await devices.get(deviceId);
    if (!device) throw new NotFoundError('device', deviceId);
    for (const task of await tasks.activeForDevice(deviceId)) {
      try {
        await lifecycle.cancel(task.id);
      } catch (error) {
        // Finished meanwhile: nothing to withdraw.
        if (!(error instanceof TaskStateError) && !(error instanceof TaskNotFoundError)) throw error;
      }
    }
    for (;;) {
      const { items } = await faults.list({ deviceId }, { skip: 0, limit: 100 });
      let cleared = 0;
      for (const fault of items) if (await faults.clear(fault.deviceId, fault.channel)) cleared++;
      if (items.length === 0 || cleared === 0) break;
    }
    if (!(await inventory.delete(deviceId))) throw new NotFoundError('device', deviceId);
    await this.deps.onDeviceDeleted?.(device);
    this.deps.logger.info({ deviceId }, 'device deleted through the API');
  }
}
