import { useProvisioningFixture } from '../testing/provisioning-fixture';

describe('DeviceInventory', () => {
  const fixture = useProvisioningFixture();
  const inventory = () => fixture().core.inventory;
  const parameters = async (deviceId: string) => (await fixture().store.devices.get(deviceId))?.parameters ?? {};

  it('registers a device on its first Inform and updates it on the next', async () => {
    const device = await fixture().registerDevice();
    expect(device.parameters['Device.DeviceInfo.SoftwareVersion']).toMatchObject({ value: '1.0.0', type: 'string' });
    const again = await inventory().applyInform({
      id: device.id,
      oui: device.oui,
      productClass: device.productClass,
      serialNumber: device.serialNumber,
      manufacturer: device.manufacturer,
      rootObject: 'Device',
      at: Date.now(),
      eventCodes: ['2 PERIODIC'],
      parameters: [{ path: 'Device.DeviceInfo.SoftwareVersion', value: '1.1.0', type: 'string' }],
    });
    expect(again.created).toBe(false);
    expect(again.device.softwareVersion).toBe('1.1.0');
  });

  it('learns values from a GetParameterValues answer, with the type the device declared', async () => {
    const { id } = await fixture().registerDevice();
    await inventory().learn(
      id,
      { kind: 'GetParameterValues', parameterNames: ['Device.X.'] },
      { kind: 'GetParameterValuesResponse', parameterList: [{ name: 'Device.X.Count', value: { type: 'string', value: '', declaredType: 'unsignedInt' } }] },
    );
    expect((await parameters(id))['Device.X.Count']).toMatchObject({ value: '', type: 'unsignedInt' });
  });

  it('replaces a subtree a full GetParameterNames answered, and merges a next-level one', async () => {
    const { id } = await fixture().registerDevice();
    await inventory().learn(
      id,
      { kind: 'GetParameterNames', parameterPath: 'Device.WiFi.', nextLevel: false },
      { kind: 'GetParameterNamesResponse', parameterList: [{ name: 'Device.WiFi.', writable: false }, { name: 'Device.WiFi.SSID.2.SSID', writable: true }] },
    );
    const known = await parameters(id);
    expect(known['Device.WiFi.SSID.1.SSID']).toBeUndefined();
    expect(known['Device.WiFi.SSID.2.SSID']).toMatchObject({ writable: true });
    expect(known['Device.DeviceInfo.SoftwareVersion']).toBeDefined();

    await inventory().learn(id, { kind: 'GetParameterNames', parameterPath: 'Device.', nextLevel: true }, { kind: 'GetParameterNamesResponse', parameterList: [{ name: 'Device.Hosts.', writable: false }] });
    expect((await parameters(id))['Device.Hosts']).toMatchObject({ object: true });
    expect((await parameters(id))['Device.WiFi.SSID.2.SSID']).toBeDefined();
  });

  it('records the values a SetParameterValues set, and remembers connection-request credentials it set', async () => {
    const { id } = await fixture().registerDevice();
    await inventory().learn(
      id,
      {
        kind: 'SetParameterValues',
        parameterKey: 'k',
        parameterList: [
          { name: 'Device.ManagementServer.ConnectionRequestUsername', value: { type: 'string', value: 'acs-1' } },
          { name: 'Device.ManagementServer.ConnectionRequestPassword', value: { type: 'string', value: 'secret' } },
        ],
      },
      { kind: 'SetParameterValuesResponse', status: 0 },
    );
    const device = await fixture().store.devices.get(id);
    expect(device).toMatchObject({ connectionRequestUsername: 'acs-1', connectionRequestPassword: 'secret' });
    expect(device?.parameters['Device.ManagementServer.ConnectionRequestUsername']).toMatchObject({ value: 'acs-1' });
  });

  it('adds the instance an AddObject created and forgets what a DeleteObject removed', async () => {
    const { id } = await fixture().registerDevice();
    await inventory().learn(id, { kind: 'AddObject', objectName: 'Device.WiFi.SSID.', parameterKey: 'k' }, { kind: 'AddObjectResponse', instanceNumber: 2, status: 0 });
    expect((await parameters(id))['Device.WiFi.SSID.2']).toMatchObject({ object: true });
    await inventory().learn(id, { kind: 'DeleteObject', objectName: 'Device.WiFi.SSID.1.', parameterKey: 'k' }, { kind: 'DeleteObjectResponse', status: 0 });
    const known = await parameters(id);
    expect(known['Device.WiFi.SSID.1.SSID']).toBeUndefined();
    expect(known['Device.WiFi.SSID.2']).toBeDefined();
  });

  it('tags and forgets devices', async () => {
    const { id } = await fixture().registerDevice();
    expect(await inventory().setTags(id, ['a', 'b'], ['b'])).toEqual(['a']);
    expect(await inventory().delete(id)).toBe(true);
    expect(await inventory().delete(id)).toBe(false);
    expect(await fixture().store.devices.get(id)).toBeNull();
  });
});
