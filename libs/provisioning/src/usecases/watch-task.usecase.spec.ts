import { NotFoundError } from '@acs/platform';

import type { Task } from '../domain/task';
import { useProvisioningFixture } from '../testing/provisioning-fixture';

describe('WatchTask', () => {
  const fixture = useProvisioningFixture();

  it('yields the task, then each new revision, until it is final', async () => {
    const device = await fixture().registerDevice();
    const { task } = await fixture().useCases.createTask.execute({ deviceId: device.id, spec: { kind: 'reboot' } });
    const seen: Task[] = [];
    for await (const revision of fixture().useCases.watchTask.execute({ taskId: task.id }, new AbortController().signal)) {
      seen.push(revision);
      if (seen.length === 1) await fixture().useCases.cancelTask.execute({ taskId: task.id });
    }
    expect(seen.map((t) => t.status)).toEqual(['dispatched', 'cancelled']);
  });

  it('ends when the watcher goes away', async () => {
    const device = await fixture().registerDevice();
    const { task } = await fixture().useCases.createTask.execute({ deviceId: device.id, spec: { kind: 'reboot' } });
    const watcher = new AbortController();
    const seen: Task[] = [];
    for await (const revision of fixture().useCases.watchTask.execute({ taskId: task.id }, watcher.signal)) {
      seen.push(revision);
      watcher.abort();
    }
    expect(seen).toHaveLength(1);
  });

  it('fails for an unknown task, and when the watched task is deleted', async () => {
    const watch = fixture().useCases.watchTask.execute({ taskId: 'missing' }, new AbortController().signal);
    await expect(watch.next()).rejects.toBeInstanceOf(NotFoundError);

    const device = await fixture().registerDevice();
    const { task } = await fixture().useCases.createTask.execute({ deviceId: device.id, spec: { kind: 'reboot' } });
    const watching = fixture().useCases.watchTask.execute({ taskId: task.id }, new AbortController().signal);
    expect((await watching.next()).value).toMatchObject({ id: task.id });
    await fixture().store.tasks.delete(task.id);
    await expect(watching.next()).rejects.toBeInstanceOf(NotFoundError);
  });
});
