import { NotFoundError } from '@acs/platform';

import { useProvisioningFixture } from '../testing/provisioning-fixture';

describe('DeletePreset', () => {
  let clock = 1_700_000_000_000;
  const fixture = useProvisioningFixture({ now: () => clock });

  it('deletes a preset, leaving a tombstone the catalog sees, and refuses to delete it twice', async () => {
    await fixture().useCases.savePreset.execute({ preset: { yaml: 'name: p\ntriggers: ["1 BOOT"]\nactions:\n  - reboot: true\n' }, mode: 'create' });
    clock += 1000;
    await fixture().useCases.deletePreset.execute({ name: 'p' });
    expect(await fixture().store.presets.get('p')).toBeNull();
    expect(await fixture().store.presets.changedSince(clock - 1)).toEqual([{ name: 'p', at: clock, preset: null }]);
    await expect(fixture().useCases.deletePreset.execute({ name: 'p' })).rejects.toEqual(new NotFoundError('preset', 'p'));
    await expect(fixture().useCases.deletePreset.execute({ name: '' })).rejects.toMatchObject({ fieldViolations: [{ field: 'name' }] });
  });
});
