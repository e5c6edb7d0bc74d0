import type { Preset } from '../domain';
import type { PresetRepository } from '../repositories/ports';
import { useStoreSubject, type ProvisioningStoreFactory } from './store-subject';

const T0 = 1_700_000_000_000;

export function samplePreset(overrides: Partial<Preset> = {}): Preset {
  return {
    name: 'wifi',
    weight: 10,
    channel: 'wifi',
    precondition: 'productClass = "EX220"',
    triggers: [{ event: '0 BOOTSTRAP' }, { cron: '0 3 * * *' }, { anyInform: true }],
    actions: [
      { setValues: [{ path: 'Device.WiFi.SSID.1.SSID', value: 'home-{{serialNumber}}' }] },
      // Instance records are keyed by parameter names, which may hold dots.
      { ensureInstances: { object: 'Device.NAT.PortMapping', key: 'Description', instances: [{ Description: 'ssh', 'X_Vendor.Port': 22 }], removeOthers: true } },
      { addTags: ['wifi-set'] },
    ],
    enabled: true,
    updatedAt: T0,
    ...overrides,
  };
}

/** The PresetRepository port's rules, run against any store. */
export function describePresetRepositoryContract(name: string, factory: ProvisioningStoreFactory): void {
  describe(`PresetRepository contract: ${name}`, () => {
    const subject = useStoreSubject(factory);
    const presets = (): PresetRepository => subject().store.presets;

    it('puts, reads and lists presets by name', async () => {
      const wifi = samplePreset();
      const acs = samplePreset({ name: 'acs-url', channel: 'default', triggers: [{ event: '1 BOOT' }], actions: [{ reboot: true }], enabled: false });
      await presets().put(wifi);
      await presets().put(acs);
      expect(await presets().get('wifi')).toEqual(wifi);
      expect(await presets().get('none')).toBeNull();
      expect(await presets().list()).toEqual([acs, wifi]);
    });

    it('replaces a preset put again under the same name', async () => {
      await presets().put(samplePreset());
      const changed = samplePreset({ weight: 50, actions: [{ refresh: 'Device.WiFi' }], updatedAt: T0 + 1 });
      await presets().put(changed);
      expect(await presets().list()).toEqual([changed]);
    });

    it('deletes presets, and a deleted name can be put again', async () => {
      await presets().put(samplePreset());
      expect(await presets().delete('wifi', T0 + 5)).toBe(true);
      expect(await presets().delete('wifi', T0 + 6)).toBe(false);
      expect(await presets().delete('never-existed')).toBe(false);
      expect(await presets().get('wifi')).toBeNull();
      expect(await presets().list()).toEqual([]);
      const again = samplePreset({ updatedAt: T0 + 10 });
      await presets().put(again);
      expect(await presets().list()).toEqual([again]);
    });

    it('reports what changed since a time, deletions included, oldest first', async () => {
      const a = samplePreset({ name: 'a', updatedAt: T0 + 1 });
      const b = samplePreset({ name: 'b', updatedAt: T0 + 2 });
      const c = samplePreset({ name: 'c', updatedAt: T0 + 3 });
      for (const preset of [a, b, c]) await presets().put(preset);
      await presets().delete('a', T0 + 4);
      expect(await presets().changedSince(T0 + 1)).toEqual([
        { name: 'b', at: T0 + 2, preset: b },
        { name: 'c', at: T0 + 3, preset: c },
        { name: 'a', at: T0 + 4, preset: null },
      ]);
      expect(await presets().changedSince(T0 + 4)).toEqual([]);
      expect(await presets().changedSince(0)).toHaveLength(3);
    });
  });
}
