import { AcsDeviceEventType, isEvent, Topics } from '@acs/contracts';
import type { BusMessage, EventBus, Logger, Subscription } from '@acs/platform';

import type { ApplyDeviceEvent } from '../usecases/apply-device-event.usecase';

const DEVICE_EVENTS = Object.values(AcsDeviceEventType);

/**
 * Grouping's reading of `acs.device` (consumer group `grouping.devices`; the grouping pods share the partitions, and a
 * device's events come in order on one). Each event goes to ApplyDeviceEvent. A use case that throws (the store or
 * provisioning is down) makes the bus redeliver with back-off; a redelivered event changes nothing twice (a pair is
 * added or removed once, and only a change publishes an event).
 */
export class DeviceEventsConsumer {
  private subscription: Subscription | null = null;

  constructor(
    private readonly bus: EventBus,
    private readonly applyDeviceEvent: ApplyDeviceEvent,
    private readonly logger: Logger,
    private readonly group = 'grouping.devices',
  ) {}

  async start(): Promise<void> {
    this.subscription = await this.bus.subscribe(Topics.acsDevice, { group: this.group, fromBeginning: true }, (message) => this.handle(message));
    this.logger.info({ lifecycle: 'consuming', topics: [Topics.acsDevice] }, 'grouping follows device events');
  }

  async stop(): Promise<void> {
    await this.subscription?.close();
    this.subscription = null;
  }

  async handle(message: BusMessage): Promise<void> {
    if (isEvent(message, DEVICE_EVENTS)) await this.applyDeviceEvent.execute(message.type, message.data);
  }
}
