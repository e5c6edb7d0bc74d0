import { ConflictError } from '@acs/platform';

import { useProvisioningFixture } from '../testing/provisioning-fixture';

describe('RetryTask', () => {
  const fixture = useProvisioningFixture();

  it('runs a cancelled task again from the start, waking the device when asked', async () => {
    const device = await fixture().registerDevice();
    const { task } = await fixture().useCases.createTask.execute({ deviceId: device.id, spec: { kind: 'reboot' } });
    await fixture().useCases.cancelTask.execute({ taskId: task.id });
    const retried = await fixture().useCases.retryTask.execute({ taskId: task.id, connectionRequest: true });
    expect(retried).toMatchObject({ status: 'dispatched', attempts: 1, connectionRequest: true });
    expect(await fixture().queued(device.id)).toHaveLength(1);
    await fixture().nextMessage('cwmp.commands', (m) => m.key === device.id);
  });

  it('refuses to retry a task still under way', async () => {
    const device = await fixture().registerDevice();
    const { task } = await fixture().useCases.createTask.execute({ deviceId: device.id, spec: { kind: 'reboot' } });
    const error = await fixture().useCases.retryTask.execute({ taskId: task.id }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect(error).toMatchObject({ details: { reason: 'TASK_NOT_RETRYABLE' } });
  });
});
