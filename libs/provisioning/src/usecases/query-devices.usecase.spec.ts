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

  describe('presence and hints', () => {
    let clock = Date.parse('2026-12-07T12:00:00Z');
    const presence = useProvisioningFixture(() => ({ now: () => clock }));
    const all = { projection: [], sort: [], page: { skip: 0, limit: 10 } };

    it('says whether each device informed within its periodic interval plus the margin, read from the stored field', async () => {
      const at = clock;
      // The fixture's Inform carries PeriodicInformInterval 600 (unsignedInt): stored as the device's field.
      const device = await presence().registerDevice({ serialNumber: 'ONLINE1', at });
      expect(device.periodicInformInterval).toBe(600);
      clock = at + 720_000;
      const [fresh] = (await presence().useCases.queryDevices.execute({ filter: 'serialNumber = "ONLINE1"', ...all })).items;
      expect(fresh).toMatchObject({ online: true, periodicInformInterval: 600 });
      clock = at + 720_001;
      expect((await presence().useCases.getDevice.execute({ deviceId: device.id })).online).toBe(false);
      // A value learnt later (a GetParameterValues answer, as text) replaces it.
      await presence().store.devices.setParameters(device.id, [{ path: 'Device.ManagementServer.PeriodicInformInterval', value: '3600', type: 'string' }], clock);
      expect((await presence().useCases.getDevice.execute({ deviceId: device.id })).online).toBe(true);
      expect((await presence().store.devices.get(device.id))?.periodicInformInterval).toBe(3600);
    });

    it('warns of a parameter or tag no device has when nothing matched, and of a LIKE without a wildcard', async () => {
      await presence().registerDevice({ serialNumber: 'HINT1' });
      const typo = await presence().useCases.queryDevices.execute({ filter: 'Device.DeviceInfo.SoftwareVersio = "1.0.0" OR tag = "lab2"', ...all });
      expect(typo.total).toBe(0);
      expect(typo.warnings).toEqual([expect.stringMatching(/^no device has the parameter Device\.DeviceInfo\.SoftwareVersio: a typo\?/), 'no device has the tag "lab2"']);
      const noWildcard = await presence().useCases.queryDevices.execute({ filter: 'serialNumber LIKE "HINT"', ...all });
      expect(noWildcard.warnings).toEqual([expect.stringContaining('serialNumber LIKE "HINT" has no wildcard')]);
      const prefix = await presence().useCases.queryDevices.execute({ filter: 'serialNumber LIKE "HINT%"', ...all });
      expect(prefix).toMatchObject({ total: 1, warnings: [] });
    });

    it('raises no alarm for a parameter some device has, even when the filter matched nothing', async () => {
      await presence().registerDevice({ serialNumber: 'HINT2' });
      const none = await presence().useCases.queryDevices.execute({ filter: 'Device.DeviceInfo.SoftwareVersion = "9.9" AND Device.WiFi.SSID.1.SSID = "x"', ...all });
      expect(none).toMatchObject({ total: 0, warnings: [] });
    });
  });
});
