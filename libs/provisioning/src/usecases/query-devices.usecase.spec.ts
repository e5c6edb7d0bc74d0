import { ValidationError } from '@acs/platform';

import { useProvisioningFixture } from '../testing/provisioning-fixture';

describe('QueryDevices', () => {
  const fixture = useProvisioningFixture();

  it('filters, projects, sorts and pages devices, with the total', async () => {
    for (const serialNumber of ['Q3', 'Q1', 'Q2']) {
      const device = await fixture().registerDevice({ serialNumber, productClass: 'QUERYME' });
      await fixture().useCases.tagDevice.execute({ deviceId: device.id, tags: ['query-test'], action: 'add' });
    }
    await fixture().registerDevice({ serialNumber: 'OTHER' });
    const query = { filter: 'tag = "query-test" AND productClass = "QUERYME"', projection: ['Device.DeviceInfo.'], sort: [{ field: 'serial_number', descending: true }] };
    const first = await fixture().useCases.queryDevices.execute({ ...query, page: { skip: 0, limit: 2 } });
    expect(first.total).toBe(3);
    expect(first.items.map((d) => d.serialNumber)).toEqual(['Q3', 'Q2']);
    expect(Object.keys(first.items[0].parameters ?? {})).toEqual(['Device.DeviceInfo.SoftwareVersion']);
    const second = await fixture().useCases.queryDevices.execute({ ...query, page: { skip: 2, limit: 2 } });
    expect(second.items.map((d) => d.serialNumber)).toEqual(['Q1']);
  });

  it('never returns the connection-request credentials', async () => {
    const device = await fixture().registerDevice();
    await fixture().store.devices.setConnectionRequestCredentials(device.id, 'acs-1', 'secret');
    const { items } = await fixture().useCases.queryDevices.execute({ filter: '', projection: [], sort: [], page: { skip: 0, limit: 10 } });
    expect(items[0]).toMatchObject({ id: device.id });
    expect(items[0]).not.toHaveProperty('connectionRequestPassword');
    expect(items[0]).not.toHaveProperty('connectionRequestUsername');
  });

  it('refuses a filter, projection or sort it cannot use, a violation each', async () => {
    const error = await fixture()
      .useCases.queryDevices.execute({ filter: 'tag = "a" AND (', projection: ['Device..X'], sort: [{ field: 'no such', descending: false }], page: { skip: 0, limit: 10 } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    const violations = (error as ValidationError).fieldViolations;
    expect(violations.map((v) => v.field)).toEqual(['filter', 'projection[0]', 'sort[0].field']);
    expect(violations[0].description).toMatch(/position 16/);
  });
});
