import { NotFoundError } from '@acs/platform';

import { useProvisioningFixture } from '../testing/provisioning-fixture';
import type { DeletedDevice } from './delete-device.usecase';

describe('DeleteDevice', () => {
  const deleted: DeletedDevice[] = [];
  const fixture = useProvisioningFixture({ onDeviceDeleted: async (device) => void deleted.push(device) });

  it('cancels the device\'s active tasks, clears its faults, forgets it and says so', async () => {
    const device = await fixture().registerDevice();
    const { task } = await fixture().useCases.createTask.execute({ deviceId: device.id, spec: { kind: 'reboot' } });
    await fixture().store.faults.raise({ deviceId: device.id, channel: 'preset-x', code: '9002', message: 'internal', at: Date.now() });
    await fixture().useCases.deleteDevice.execute({ deviceId: device.id });

    expect(await fixture().queued(device.id)).toEqual([]);
    expect((await fixture().store.tasks.get(task.id))?.status).toBe('cancelled');
    expect((await fixture().store.faults.list({ deviceId: device.id }, { skip: 0, limit: 10 })).items).toEqual([]);
    expect(await fixture().store.devices.get(device.id)).toBeNull();
    expect(deleted).toContainEqual(expect.objectContaining({ id: device.id, serialNumber: device.serialNumber }));
  });

  it('refuses an unknown device and a missing id', async () => {
    await expect(fixture().useCases.deleteDevice.execute({ deviceId: 'nobody' })).rejects.toEqual(new NotFoundError('device', 'nobody'));
    await expect(fixture().useCases.deleteDevice.execute({ deviceId: '' })).rejects.toMatchObject({ fieldViolations: [{ field: 'device_id' }] });
  });
});
