import { NotFoundError, ValidationError } from '@acs/platform';

import { useProvisioningFixture } from '../testing/provisioning-fixture';

describe('GetTask', () => {
  const fixture = useProvisioningFixture();

  it('reads a task as it stands', async () => {
    const device = await fixture().registerDevice();
    const { task } = await fixture().useCases.createTask.execute({ deviceId: device.id, spec: { kind: 'reboot' } });
    expect(await fixture().useCases.getTask.execute({ taskId: task.id })).toEqual(task);
  });

  it('refuses a missing id and an unknown task', async () => {
    await expect(fixture().useCases.getTask.execute({ taskId: '' })).rejects.toMatchObject({ fieldViolations: [{ field: 'task_id', reason: 'REQUIRED' }] });
    await expect(fixture().useCases.getTask.execute({ taskId: '' })).rejects.toBeInstanceOf(ValidationError);
    await expect(fixture().useCases.getTask.execute({ taskId: 'missing' })).rejects.toEqual(new NotFoundError('task', 'missing'));
  });
});
