import { DeviceNotFoundError } from '../repositories/ports';
import { useProvisioningFixture } from '../testing/provisioning-fixture';

describe('TagDevice', () => {
  const fixture = useProvisioningFixture();

  it('tags and untags a device, answering its tags after', async () => {
    const device = await fixture().registerDevice();
    expect((await fixture().useCases.tagDevice.execute({ deviceId: device.id, tags: ['a', 'b', 'a'], action: 'add' })).sort()).toEqual(['a', 'b']);
    expect(await fixture().useCases.tagDevice.execute({ deviceId: device.id, tags: ['a', 'zzz'], action: 'remove' })).toEqual(['b']);
  });

  it('refuses malformed tags, an empty list and an unknown device', async () => {
    const device = await fixture().registerDevice();
    await expect(fixture().useCases.tagDevice.execute({ deviceId: device.id, tags: ['ok', 'two words', 'x,y', ''], action: 'add' })).rejects.toMatchObject({
      fieldViolations: [{ field: 'tags[1]' }, { field: 'tags[2]' }, { field: 'tags[3]' }],
    });
    await expect(fixture().useCases.tagDevice.execute({ deviceId: device.id, tags: [], action: 'remove' })).rejects.toMatchObject({ fieldViolations: [{ field: 'tags', reason: 'REQUIRED' }] });
    await expect(fixture().useCases.tagDevice.execute({ deviceId: 'nobody', tags: ['a'], action: 'add' })).rejects.toBeInstanceOf(DeviceNotFoundError);
  });
});
