import { useProvisioningFixture } from '../testing/provisioning-fixture';

describe('ListPresets', () => {
  const fixture = useProvisioningFixture();

  it('lists presets by name, a page at a time, with the total', async () => {
    for (const name of ['c', 'a', 'b']) {
      await fixture().useCases.savePreset.execute({ preset: { yaml: `name: ${name}\ntriggers: ["1 BOOT"]\nactions:\n  - reboot: true\n` }, mode: 'create' });
    }
    const first = await fixture().useCases.listPresets.execute({ page: { skip: 0, limit: 2 } });
    expect(first).toMatchObject({ total: 3 });
    expect(first.items.map((p) => p.name)).toEqual(['a', 'b']);
    expect((await fixture().useCases.listPresets.execute({ page: { skip: 2, limit: 2 } })).items.map((p) => p.name)).toEqual(['c']);
  });
});
