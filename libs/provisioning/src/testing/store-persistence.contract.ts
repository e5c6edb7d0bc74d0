import { samplePreset } from './preset-repository.contract';
import { sampleInform, sampleTask, useStoreSubject, type ProvisioningStoreFactory } from './store-subject';

const T0 = 1_700_000_000_000;

/** What a store must keep across a restart: everything the four repositories wrote. */
export function describeStorePersistenceContract(name: string, factory: ProvisioningStoreFactory): void {
  describe(`Provisioning store persistence contract: ${name}`, () => {
    const subject = useStoreSubject(factory);

    it('reads back after close and reopen what every repository wrote', async () => {
      const { store } = subject();
      const facts = sampleInform({ eventCodes: ['0 BOOTSTRAP', '1 BOOT'] });
      await store.devices.applyInform(facts);
      await store.devices.setParameters(facts.id, [{ path: 'Device.WiFi.SSID.1.SSID', value: 'home', type: 'string', writable: true }], T0 + 1);
      await store.devices.deleteSubtree(facts.id, 'Device.DeviceInfo.ProvisioningCode');
      await store.devices.setTags(facts.id, ['lab'], []);
      const device = await store.devices.get(facts.id);

      const task = sampleTask({ deviceId: facts.id, notBefore: T0 + 5 });
      await store.tasks.create(task);
      const dispatched = { ...task, status: 'dispatched' as const, revision: 2, workItemIds: ['w1'] };
      await store.tasks.update(dispatched);
      await store.presets.put(samplePreset());
      await store.presets.put(samplePreset({ name: 'gone', updatedAt: T0 + 1 }));
      await store.presets.delete('gone', T0 + 2);
      const fault = await store.faults.raise({ deviceId: facts.id, channel: 'wifi', code: '9002', message: 'm', detail: { a: 1 }, at: T0 });

      const reopened = await subject().reopen();
      expect(await reopened.devices.get(facts.id)).toEqual(device);
      expect(await reopened.tasks.get(task.id)).toEqual(dispatched);
      expect(await reopened.tasks.update({ ...dispatched, status: 'done', revision: 3 })).toBe(true);
      expect(await reopened.presets.list()).toEqual([samplePreset()]);
      expect((await reopened.presets.changedSince(T0 + 1)).map((c) => [c.name, c.preset === null])).toEqual([['gone', true]]);
      expect(await reopened.faults.get(facts.id, 'wifi')).toEqual(fault);

      // And what was written after the first reopen survives a second one.
      const again = await subject().reopen();
      expect((await again.tasks.get(task.id))!.status).toBe('done');
    });
  });
}
