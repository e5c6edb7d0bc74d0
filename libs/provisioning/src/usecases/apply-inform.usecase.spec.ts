import type { Preset } from '../domain/preset';
import { informEvent, useProvisioningFixture } from '../testing/provisioning-fixture';

const INTERVAL = 'Device.ManagementServer.PeriodicInformInterval';

function preset(name: string, actions: Preset['actions'], extra: Partial<Preset> = {}): Preset {
  return { name, weight: 0, channel: 'default', precondition: '', triggers: [{ event: '1 BOOT' }], actions, enabled: true, updatedAt: 0, ...extra };
}

const device = { id: '00D09E-HG8245-INFORM1', oui: '00D09E', productClass: 'HG8245', serialNumber: 'INFORM1' };

describe('ApplyInform', () => {
  describe('without presets', () => {
    const fixture = useProvisioningFixture();

    it('registers the device, publishes what the Inform says and marks the session planned', async () => {
      const event = informEvent(device, ['0 BOOTSTRAP', '1 BOOT']);
      await fixture().useCases.applyInform.execute(event);
      expect(await fixture().store.devices.get(device.id)).toMatchObject({ serialNumber: 'INFORM1', softwareVersion: '1.0.0', ip: '198.51.100.7' });
      const registered = await fixture().nextMessage('acs.device', (m) => m.type === 'acs.device.registered');
      expect(registered).toMatchObject({ key: device.id, data: { deviceId: device.id, eventCodes: ['0 BOOTSTRAP', '1 BOOT'] } });
      await fixture().nextMessage('acs.device', (m) => m.type === 'acs.device.bootstrapped');
      await fixture().nextMessage('acs.device', (m) => m.type === 'acs.device.booted');
      expect(await fixture().sessions.isPlanned(device.id, event.sessionId)).toBe(true);
    });

    it('reads event codes as devices send them, whatever their spacing and case', async () => {
      await fixture().useCases.applyInform.execute(informEvent(device, ['4  value change'], { parameterList: [{ name: 'Device.WiFi.SSID.1.SSID', value: { type: 'string', value: 'x' } }] }));
      const changed = await fixture().nextMessage('acs.device', (m) => m.type === 'acs.device.parameters-changed');
      expect(changed.data).toMatchObject({ eventCodes: ['4 VALUE CHANGE'], parameters: [{ path: 'Device.WiFi.SSID.1.SSID', value: 'x' }] });
    });
  });

  describe('with presets', () => {
    const fixture = useProvisioningFixture();
    // The presets in force, as the catalog would hold them: read at each Inform.
    const presets = () => fixture().presets;

    it('plans the triggered presets into tasks and tags', async () => {
      presets().push(preset('interval', [{ setValues: [{ path: INTERVAL, value: 300 }] }, { addTags: ['managed'] }], { channel: 'mgmt' }));
      await fixture().useCases.applyInform.execute(informEvent(device, ['1 BOOT']));
      const [task] = (await fixture().store.tasks.activeForDevice(device.id)).filter((t) => t.source.startsWith('preset:'));
      expect(task).toMatchObject({ source: 'preset:interval', channel: 'mgmt', status: 'dispatched', spec: { kind: 'setParameterValues', values: [{ path: INTERVAL, value: 300 }] } });
      expect((await fixture().store.devices.get(device.id))?.tags).toEqual(['managed']);
    });

    it('does not pile more work on a device whose preset work has not run yet', async () => {
      presets().push(preset('interval', [{ setValues: [{ path: INTERVAL, value: 300 }] }]));
      await fixture().useCases.applyInform.execute(informEvent(device, ['1 BOOT']));
      await fixture().useCases.applyInform.execute(informEvent(device, ['1 BOOT']));
      expect(await fixture().store.tasks.activeForDevice(device.id)).toHaveLength(1);
    });

    it('raises a fault on the preset\'s channel for a planned task the task rules refuse, instead of failing the Inform', async () => {
      presets().push(preset('broken', [{ setValues: [{ path: INTERVAL, value: 'every {{serialNumber}}', type: 'unsignedInt' }] }], { channel: 'broken' }));
      const event = informEvent(device, ['1 BOOT']);
      await fixture().useCases.applyInform.execute(event);
      expect(await fixture().store.tasks.activeForDevice(device.id)).toEqual([]);
      expect(await fixture().store.faults.get(device.id, 'broken')).toMatchObject({ code: 'invalid-task' });
      expect(await fixture().sessions.isPlanned(device.id, event.sessionId)).toBe(true);
    });
  });

  describe('managing connection-request credentials', () => {
    const fixture = useProvisioningFixture({ manageConnectionRequestCredentials: true });

    it('sets credentials of the ACS\'s own on a device that has none on record, once', async () => {
      await fixture().useCases.applyInform.execute(informEvent(device, ['1 BOOT']));
      await fixture().useCases.applyInform.execute(informEvent(device, ['2 PERIODIC']));
      const tasks = await fixture().store.tasks.activeForDevice(device.id);
      expect(tasks).toHaveLength(1);
      expect(tasks[0]).toMatchObject({ source: 'acs:connection-request-credentials', channel: 'connection-request' });
      const spec = tasks[0].spec;
      expect(spec.kind === 'setParameterValues' && spec.values.map((v) => v.path)).toEqual([
        'Device.ManagementServer.ConnectionRequestUsername',
        'Device.ManagementServer.ConnectionRequestPassword',
      ]);
    });
  });
});
