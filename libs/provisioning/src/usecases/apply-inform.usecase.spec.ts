import pino from 'pino';

import type { Preset } from '../domain/preset';
import { informEvent, useProvisioningFixture, type ProvisioningFixture } from '../testing/provisioning-fixture';
import { ApplyInform } from './apply-inform.usecase';

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

  describe('cron triggers', () => {
    let clock = Date.parse('2026-12-07T02:00:00Z');
    const fixture = useProvisioningFixture(() => ({ now: () => clock }));

    it('fire at the first Inform after a tick, timed from the device record: a restarted service misses no tick', async () => {
      fixture().presets.push(preset('nightly', [{ addTags: ['nightly'] }], { triggers: [{ cron: '0 3 * * *' }] }));
      const tags = async () => (await fixture().store.devices.get(device.id))?.tags;
      await fixture().useCases.applyInform.execute(informEvent(device, ['1 BOOT']));
      clock = Date.parse('2026-12-07T02:30:00Z');
      await fixture().useCases.applyInform.execute(informEvent(device, ['2 PERIODIC']));
      expect(await tags()).toEqual([]);
      // A new instance, as after a restart: it holds nothing of the earlier Informs, the record does.
      const restarted = applyInformOf(fixture(), () => clock);
      clock = Date.parse('2026-12-07T03:30:00Z');
      await restarted.execute(informEvent(device, ['2 PERIODIC']));
      expect(await tags()).toEqual(['nightly']);
    });
  });

  describe('preset loops', () => {
    const fixture = useProvisioningFixture();
    const other = { id: '00D09E-HG8245-INFORM2', oui: '00D09E', productClass: 'HG8245', serialNumber: 'INFORM2' };

    /** An Inform after which the device drops the tag again, the way a device undoes a value it does not keep. */
    async function informAndUndo(applyInform: ApplyInform, cpe: typeof device, undo = true): Promise<void> {
      await applyInform.execute(informEvent(cpe, ['2 PERIODIC']));
      if (undo) await fixture().core.inventory.setTags(cpe.id, [], ['managed']);
    }

    beforeEach(() => {
      fixture().presets.push(preset('managed', [{ addTags: ['managed'] }], { channel: 'mgmt', triggers: [{ anyInform: true }] }));
    });

    it('raises a fault when a device keeps undoing what its presets ask', async () => {
      for (let i = 0; i < 3; i++) await informAndUndo(fixture().useCases.applyInform, device);
      expect(await fixture().store.faults.get(device.id, 'mgmt')).toMatchObject({ code: 'preset-loop' });
    });

    it('remembers a bounded number of devices: a loop of a forgotten device is caught later, not missed', async () => {
      const applyInform = applyInformOf(fixture(), Date.now, 1);
      // Two devices loop in turn while only one is remembered: each evicts the other before it repeats.
      for (let i = 0; i < 4; i++) {
        await informAndUndo(applyInform, device);
        await informAndUndo(applyInform, other);
      }
      expect(await fixture().store.faults.get(device.id, 'mgmt')).toBeNull();
      // The other device keeps its tag from now on: its next plan is empty, it is forgotten, the first one is caught.
      await informAndUndo(applyInform, other, false);
      await informAndUndo(applyInform, other, false);
      for (let i = 0; i < 3; i++) await informAndUndo(applyInform, device);
      expect(await fixture().store.faults.get(device.id, 'mgmt')).toMatchObject({ code: 'preset-loop' });
    });
  });

  describe('tasks awaiting an Inform event', () => {
    const fixture = useProvisioningFixture();
    const READ = { kind: 'getParameterValues' as const, parameterNames: ['Device.IP.Diagnostics.IPPing.'] };

    it('holds the task, queued nowhere, until an Inform carries its event; that Inform queues it before marking the session planned', async () => {
      await fixture().useCases.applyInform.execute(informEvent(device, ['1 BOOT']));
      const { task } = await fixture().useCases.createTask.execute({ deviceId: device.id, spec: READ, awaitEventCode: '8 diagnostics  complete' });
      expect(task).toMatchObject({ status: 'pending', attempts: 0, awaitEventCode: '8 DIAGNOSTICS COMPLETE', workItemIds: [] });
      expect(await fixture().queue.list(device.id)).toEqual([]);

      // Neither another event nor the periodic tick starts it.
      await fixture().useCases.applyInform.execute(informEvent(device, ['2 PERIODIC']));
      await fixture().core.lifecycle.tick();
      expect(await fixture().store.tasks.get(task.id)).toMatchObject({ status: 'pending', attempts: 0 });
      expect(await fixture().queue.list(device.id)).toEqual([]);

      const event = informEvent(device, ['8 DIAGNOSTICS COMPLETE']);
      await fixture().useCases.applyInform.execute(event);
      const dispatched = await fixture().store.tasks.get(task.id);
      expect(dispatched).toMatchObject({ status: 'dispatched', attempts: 1 });
      expect((await fixture().queue.list(device.id)).map((item) => item.taskId)).toEqual([task.id]);
      expect(await fixture().sessions.isPlanned(device.id, event.sessionId)).toBe(true);
      await fixture().nextMessage('acs.task', (m) => m.type === 'acs.task.dispatched' && (m.data as { taskId?: string }).taskId === task.id);
    });

    it('starts it once when the same Inform is applied twice (a redelivered event)', async () => {
      await fixture().useCases.applyInform.execute(informEvent(device, ['1 BOOT']));
      const { task } = await fixture().useCases.createTask.execute({ deviceId: device.id, spec: READ, awaitEventCode: '8 DIAGNOSTICS COMPLETE' });
      const event = informEvent(device, ['8 DIAGNOSTICS COMPLETE']);
      await fixture().useCases.applyInform.execute(event);
      await fixture().useCases.applyInform.execute(event);
      expect(await fixture().store.tasks.get(task.id)).toMatchObject({ status: 'dispatched', attempts: 1 });
      expect(await fixture().queue.list(device.id)).toHaveLength(1);
    });

  });

  describe('a task awaiting an Inform event that never comes', () => {
    let now = Date.parse('2026-12-08T00:00:00Z');
    const fixture = useProvisioningFixture({ now: () => now });

    it('expires unstarted', async () => {
      await fixture().useCases.applyInform.execute(informEvent(device, ['1 BOOT']));
      const { task } = await fixture().useCases.createTask.execute({ deviceId: device.id, spec: { kind: 'getParameterValues', parameterNames: ['Device.'] }, awaitEventCode: 'M Reboot', expiresAt: now + 60_000 });
      await fixture().core.lifecycle.tick();
      expect(await fixture().store.tasks.get(task.id)).toMatchObject({ status: 'pending', attempts: 0 });
      now += 60_001;
      await fixture().core.lifecycle.tick();
      expect(await fixture().store.tasks.get(task.id)).toMatchObject({ status: 'expired', attempts: 0 });
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

/** An ApplyInform over the fixture's store and adapters, separate from the fixture's own (a restart, or other bounds). */
function applyInformOf(fixture: ProvisioningFixture, now: () => number, planHistoryDevices?: number): ApplyInform {
  return new ApplyInform({
    inventory: fixture.core.inventory,
    devices: fixture.store.devices,
    tasks: fixture.store.tasks,
    faults: fixture.store.faults,
    createTask: fixture.useCases.createTask,
    presets: { current: async () => fixture.presets },
    presetStore: fixture.store.presets,
    lifecycle: fixture.core.lifecycle,
    sessions: fixture.sessions,
    bus: fixture.bus,
    logger: pino({ level: 'silent' }),
    planMarkTtlMs: 60_000,
    manageConnectionRequestCredentials: false,
    planHistoryDevices,
    now,
  });
}
