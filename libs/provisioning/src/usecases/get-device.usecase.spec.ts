import { NotFoundError } from '@acs/platform';

import { useProvisioningFixture } from '../testing/provisioning-fixture';

describe('GetDevice and GetParameters', () => {
  const fixture = useProvisioningFixture();

  it('reads a device with all its parameters or one subtree, never its credentials', async () => {
    const device = await fixture().registerDevice();
    await fixture().store.devices.setConnectionRequestCredentials(device.id, 'acs-1', 'secret');
    const all = await fixture().useCases.getDevice.execute({ deviceId: device.id });
    expect(Object.keys(all.parameters ?? {})).toEqual(expect.arrayContaining(['Device.DeviceInfo.SoftwareVersion', 'Device.WiFi.SSID.1.SSID']));
    expect(all).not.toHaveProperty('connectionRequestPassword');
    const wifi = await fixture().useCases.getDevice.execute({ deviceId: device.id, parameterPrefix: 'Device.WiFi.' });
    expect(Object.keys(wifi.parameters ?? {})).toEqual(['Device.WiFi.SSID.1.SSID']);
  });

  it('reads the parameters under a path', async () => {
    const device = await fixture().registerDevice();
    const parameters = await fixture().useCases.getParameters.execute({ deviceId: device.id, path: 'Device.ManagementServer.PeriodicInformInterval' });
    expect(parameters).toEqual({ 'Device.ManagementServer.PeriodicInformInterval': expect.objectContaining({ value: 600, type: 'unsignedInt' }) });
  });

  it('refuses unknown devices and paths that are not parameter paths', async () => {
    await expect(fixture().useCases.getDevice.execute({ deviceId: 'nobody' })).rejects.toEqual(new NotFoundError('device', 'nobody'));
    await expect(fixture().useCases.getParameters.execute({ deviceId: 'nobody', path: '' })).rejects.toBeInstanceOf(NotFoundError);
    const device = await fixture().registerDevice();
    await expect(fixture().useCases.getDevice.execute({ deviceId: device.id, parameterPrefix: 'Device.$where' })).rejects.toMatchObject({ fieldViolations: [{ field: 'parameter_prefix' }] });
    await expect(fixture().useCases.getParameters.execute({ deviceId: device.id, path: 'Device..X' })).rejects.toMatchObject({ fieldViolations: [{ field: 'path' }] });
    await expect(fixture().useCases.getDevice.execute({ deviceId: '' })).rejects.toMatchObject({ fieldViolations: [{ field: 'device_id' }] });
  });
});
