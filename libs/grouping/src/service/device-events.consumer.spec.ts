import { AcsDeviceEventType, newEvent, Topics } from '@acs/contracts';
import { InProcessEventBus } from '@acs/platform';
import pino from 'pino';

import { GroupingFixture } from '../testing/grouping-fixture';
import { DeviceEventsConsumer } from './device-events.consumer';

/** Polls until `condition` holds: the bus delivers on its own schedule, so the spec waits for the effect, not for a time. */
async function until(what: string, condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('DeviceEventsConsumer', () => {
  it('keeps a dynamic group current from acs.device events on the bus, ignoring other topics', async () => {
    const fixture = await GroupingFixture.open([{ id: 'OUI-PC-1', parameters: { 'Device.X_Tier': 'home' } }]);
    const bus = new InProcessEventBus();
    const consumer = new DeviceEventsConsumer(bus, fixture.useCases.applyDeviceEvent, pino({ level: 'silent' }));
    try {
      const { group } = await fixture.useCases.createGroup.execute({ name: 'business', kind: 'dynamic', filter: 'Device.X_Tier = "business"', createdBy: 'spec' });
      await consumer.start();
      fixture.inventory.setParameter('OUI-PC-1', 'Device.X_Tier', 'business');
      await bus.publish([
        newEvent(AcsDeviceEventType.parametersChanged, 'OUI-PC-1', { deviceId: 'OUI-PC-1', oui: 'OUI', productClass: 'PC', serialNumber: '1', parameters: [{ path: 'Device.X_Tier', value: 'business' }] }),
      ]);
      await until('the device to join', () => fixture.membershipEvents().length === 1);
      expect(await fixture.members(group.id)).toEqual(['OUI-PC-1']);
      expect(fixture.published.filter((event) => event.topic === Topics.acsGroup).map((event) => event.type)).toEqual(['acs.group.group-created', 'acs.group.device-joined']);
    } finally {
      await consumer.stop();
      await bus.close();
      await fixture.close();
    }
  });
});
