import { useProvisioningFixture } from '../testing/provisioning-fixture';

describe('ListTasks', () => {
  // A clock that moves on every reading: tasks created in the same millisecond would be ordered by their random ids.
  let clock = 1_700_000_000_000;
  const fixture = useProvisioningFixture({ now: () => (clock += 1) });

  it('lists tasks newest first, by device, status and source, a page at a time', async () => {
    const device = await fixture().registerDevice();
    const other = await fixture().registerDevice();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await fixture().useCases.createTask.execute({ deviceId: device.id, spec: { kind: 'reboot' }, requestedBy: 'oss' })).task.id);
    await fixture().useCases.createTask.execute({ deviceId: other.id, spec: { kind: 'reboot' } });
    await fixture().useCases.cancelTask.execute({ taskId: ids[0] });

    const all = await fixture().useCases.listTasks.execute({ deviceId: device.id, page: { skip: 0, limit: 10 } });
    expect(all.items.map((t) => t.id)).toEqual([...ids].reverse());
    expect(all.total).toBe(3);
    const page = await fixture().useCases.listTasks.execute({ deviceId: device.id, page: { skip: 1, limit: 1 } });
    expect(page.items.map((t) => t.id)).toEqual([ids[1]]);
    expect((await fixture().useCases.listTasks.execute({ statuses: ['cancelled'], page: { skip: 0, limit: 10 } })).items.map((t) => t.id)).toEqual([ids[0]]);
    expect((await fixture().useCases.listTasks.execute({ source: 'api:oss', page: { skip: 0, limit: 10 } })).total).toBe(3);
    expect((await fixture().useCases.listTasks.execute({ deviceId: '', source: '', statuses: [], page: { skip: 0, limit: 10 } })).total).toBe(4);
  });
});
