import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Topics } from '@acs/contracts';
import { EVENT_BUS, type BusMessage, type EventBus, type Subscription } from '@acs/platform';

/**
 * Keeps the latest `cwmp.events` in memory so a person (or a test) can see what the gateway published without a
 * Kafka consumer: the standalone product's window on its own bus.
 */
@Injectable()
export class EventTap implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly events: BusMessage[] = [];
  private subscription?: Subscription;
  private readonly capacity = Number(process.env.ACS_EVENT_TAP_SIZE ?? 50_000);

  constructor(@Inject(EVENT_BUS) private readonly bus: EventBus) {}

  async onApplicationBootstrap(): Promise<void> {
    this.subscription = await this.bus.subscribe(Topics.cwmpEvents, { group: 'standalone-event-tap' }, async (message) => {
      this.events.push(message);
      // Trimmed in batches, so keeping the window costs O(1) per event on average.
      if (this.events.length > this.capacity * 1.25) this.events.splice(0, this.events.length - this.capacity);
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscription?.close();
  }

  query(filter: { deviceId?: string; type?: string; limit: number }): BusMessage[] {
    const window = this.events.slice(-this.capacity);
    const matching = window.filter((e) => (!filter.deviceId || e.key === filter.deviceId) && (!filter.type || e.type === filter.type));
    return matching.slice(-filter.limit);
  }
}
