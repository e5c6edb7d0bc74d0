import { NotFoundError } from '@acs/platform';

import { useProvisioningFixture } from '../testing/provisioning-fixture';

describe('GetPreset', () => {
  const fixture = useProvisioningFixture();

  it('reads a preset by name, and refuses an unknown or missing one', async () => {
    const preset = await fixture().useCases.savePreset.execute({ preset: { yaml: 'name: p\ntriggers: ["1 BOOT"]\nactions:\n  - reboot: true\n' }, mode: 'create' });
    expect(await fixture().useCases.getPreset.execute({ name: 'p' })).toEqual(preset);
    await expect(fixture().useCases.getPreset.execute({ name: 'q' })).rejects.toEqual(new NotFoundError('preset', 'q'));
    await expect(fixture().useCases.getPreset.execute({ name: '' })).rejects.toMatchObject({ fieldViolations: [{ field: 'name' }] });
  });
});
