import { NotFoundError } from '@acs/platform';

import { useProvisioningFixture } from '../testing/provisioning-fixture';

describe('ClearFault', () => {
  const fixture = useProvisioningFixture();

  it('clears a device\'s fault on a channel, `default` when none is named', async () => {
    await fixture().store.faults.raise({ deviceId: 'd1', channel: 'default', code: '9002', message: 'a', at: 1 });
    await fixture().store.faults.raise({ deviceId: 'd1', channel: 'wifi', code: '9002', message: 'a', at: 1 });
    await fixture().useCases.clearFault.execute({ deviceId: 'd1', channel: '' });
    expect(await fixture().store.faults.get('d1', 'default')).toBeNull();
    await fixture().useCases.clearFault.execute({ deviceId: 'd1', channel: 'wifi' });
    expect(await fixture().store.faults.get('d1', 'wifi')).toBeNull();
  });

  it('refuses a fault that is not there, and a missing device id', async () => {
    await expect(fixture().useCases.clearFault.execute({ deviceId: 'd1' })).rejects.toEqual(new NotFoundError('fault', 'd1/default'));
    await expect(fixture().useCases.clearFault.execute({ deviceId: '' })).rejects.toMatchObject({ fieldViolations: [{ field: 'device_id' }] });
  });
});
