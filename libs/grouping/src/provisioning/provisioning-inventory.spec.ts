import { acsV1 } from '@acs/contracts';
import { evaluateFilter } from '@acs/filter';

import { DEVICE_VIEW_READER } from '../domain/device-view';
import { parseGroupRule } from '../domain/group-rule';
import { deviceViewOf, ProvisioningDeviceInventory } from './provisioning-inventory';

const device: acsV1.Device = {
  id: '00259E-HG8245H-SN1',
  oui: '00259E',
  productClass: 'HG8245H',
  serialNumber: 'SN1',
  manufacturer: 'Huawei',
  rootObject: acsV1.RootObject.ROOT_OBJECT_DEVICE,
  softwareVersion: 'V5',
  hardwareVersion: '',
  ip: '10.0.0.1',
  connectionRequestUrl: '',
  udpConnectionRequestAddress: '',
  registerTime: new Date('2026-01-01T00:00:00Z'),
  lastInformTime: new Date('2026-12-01T00:00:00Z'),
  lastBootTime: undefined,
  lastBootstrapTime: undefined,
  recentEvents: [],
  tags: ['lab'],
  parameters: [
    { path: 'Device.X_Count', value: '7', type: 'xsd:unsignedInt', object: false, learnTime: undefined },
    { path: 'Device.X_On', value: 'true', type: 'xsd:boolean', object: false, learnTime: undefined },
  ],
  online: true,
  periodicInformInterval: 300,
};

describe('a device from provisioning, as group filters read it', () => {
  const view = deviceViewOf(device);
  it.each([
    ['Device.X_Count > 5', true],
    ['Device.X_Count = "7"', true],
    ['Device.X_On = true', true],
    ['rootObject = "Device"', true],
    ['lastInform > "2026-11-30T00:00:00Z"', true],
    ['hardwareVersion IS NULL', true],
    ['tag = "lab" AND periodicInformInterval = 300', true],
    ['lastBoot IS NOT NULL', false],
  ])('%s is %s', (filter, expected) => {
    expect(evaluateFilter(parseGroupRule(filter).expr, view, DEVICE_VIEW_READER)).toBe(expected);
  });

  it('reads one device by id with the parameters asked for, quoting the id in the filter', async () => {
    const calls: acsV1.ListDevicesRequest[] = [];
    const inventory = new ProvisioningDeviceInventory({
      devices: { listDevices: async (request: acsV1.ListDevicesRequest) => (calls.push(request), { devices: [device], totalSize: 1, nextPageToken: '', warnings: [] }) },
    } as never);
    expect((await inventory.device('a"b\\c', ['Device.X_Count']))?.id).toBe(device.id);
    expect(calls[0]).toMatchObject({ filter: 'id = "a\\"b\\\\c"', projection: ['Device.X_Count'], pageSize: 1 });
  });
});
