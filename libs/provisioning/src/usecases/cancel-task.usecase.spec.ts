import { ConflictError } from '@acs/platform';

import { useProvisioningFixture } from '../testing/provisioning-fixture';

describe('CancelTask', () => {
  const fixture = useProvisioningFixture();

  it('cancels an active task, withdrawing its work', async () => {
    const device = await fixture().registerDevice();
    const { task } = await fixture().useCases.createTask.execute({ deviceId: device.id, spec: { kind: 'reboot' } });
    expect((await fixture().useCases.cancelTask.execute({ taskId: task.id })).status).toBe('cancelled');
    expect(await fixture().queued(device.id)).toEqual([]);
  });

  it('refuses to cancel a task that has ended, saying why', async () => {
    const device = await fixture().registerDevice();
    const { task } = await fixture().useCases.createTask.execute({ deviceId: device.id, spec: { kind: 'reboot' } });
    await fixture().useCases.cancelTask.execute({ taskId: task.id });
    const error = await fixture().useCases.cancelTask.execute({ taskId: task.id }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect(error).toMatchObject({ kind: 'precondition', details: { reason: 'TASK_ALREADY_FINAL', subject: `task ${task.id}` } });
  });

  it('refuses a missing id', async () => {
    await expect(fixture().useCases.cancelTask.execute({ taskId: '' })).rejects.toMatchObject({ fieldViolations: [{ field: 'task_id' }] });
  });
});
