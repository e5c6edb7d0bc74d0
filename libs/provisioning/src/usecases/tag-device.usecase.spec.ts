import type { BusMessage } from '@acs/platform';

import { DeviceNotFoundError } from '../repositories/ports';
import { useProvisioningFixture } from '../testing/provisioning-fixture';

describe('TagDevice', () => {
  const fixture = useProvisioningFixture();

  it('tags and untags a device, answering its tags after', async () => {
    const device = await fixture().registerDevice();
    expect((await fixture().useCases.tagDevice.execute({ deviceId: device.id, tags: ['a', 'b', 'a'], action: 'add' })).sort()).toEqual(['a', 'b']);
    expect(await fixture().useCases.tagDevice.execute({ deviceId: device.id, tags: ['a', 'zzz'], action: 'remove' })).toEqual(['b']);
  });

  it('publishes the tags after each change on acs.device, with the device identity', async () => {
    const device = await fixture().registerDevice();
    await fixture().useCases.tagDevice.execute({ deviceId: device.id, tags: ['lab'], action: 'add' });
    await fixture().useCases.tagDevice.execute({ deviceId: device.id, tags: ['lab'], action: 'remove' });
    const tagsChanged = (message: BusMessage) => message.type === 'acs.device.tags-changed';
    await fixture().nextMessage('acs.device', (message) => tagsChanged(message) && (message.data as { tags: string[] }).tags.length === 0);
    const published = fixture().messages('acs.device').filter(tagsChanged);
    expect(published.map((message) => [message.key, message.data])).toEqual([
      [device.id, { deviceId: device.id, oui: device.oui, productClass: device.productClass, serialNumber: device.serialNumber, tags: ['lab'] }],
      [device.id, { deviceId: device.id, oui: device.oui, productClass: device.productClass, serialNumber: device.serialNumber, tags: [] }],
    ]);
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
