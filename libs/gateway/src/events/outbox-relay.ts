import type { EventBus, EventOutbox, Logger } from '@acs/platform';
import type { GatewayMetrics } from '../gateway.metrics';
import { withTimeout, type EventPublisher } from './event-publisher';

export interface OutboxRelayOptions {
  owner: string;
  intervalMs: number;
  publishTimeoutMs: number;
  /** Devices looked at per round. */
  devicesPerRound: number;
  /** Batches published per request. */
  batchesPerPublish: number;
}

/**
 * Every gateway pod runs one: it publishes deferred batches, oldest first per device, once the bus takes them
 * again, then releases them (acknowledging their parked work items). A claim per device keeps two pods from draining
 * one device at once; if one dies mid-way, its claim expires and another pod publishes the batch again (consumers
 * de-duplicate by event id).
 */
export class OutboxRelay {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly outbox: EventOutbox,
    private readonly bus: EventBus,
    private readonly publisher: EventPublisher,
    private readonly metrics: GatewayMetrics,
    private readonly logger: Logger,
    private readonly options: OutboxRelayOptions,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      if (!this.running) this.running = this.round().finally(() => (this.running = undefined));
    }, this.options.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One pass over the devices with deferred events. Exposed for tests. */
  async round(): Promise<void> {
    const deferralsAtStart = this.publisher.deferralCount;
    let devices: string[];
    try {
      devices = await this.outbox.pendingDevices(this.options.devicesPerRound);
    } catch (error) {
      this.logger.warn({ err: error }, 'outbox relay cannot read the outbox');
      return;
    }
    this.publisher.relayScanned(devices.length > 0, deferralsAtStart);
    for (const deviceId of devices) {
      if (!(await this.drain(deviceId))) return; // the bus is still down: try again next round
    }
  }

  /** Publishes the device's deferred batches; false when the bus refused them. */
  private async drain(deviceId: string): Promise<boolean> {
    const { owner, publishTimeoutMs, batchesPerPublish } = this.options;
    if (!(await this.outbox.claim(deviceId, owner, publishTimeoutMs * 4))) return true;
    try {
      for (;;) {
        const batches = await this.outbox.peek(deviceId, batchesPerPublish);
        if (batches.length === 0) return true;
        try {
          await withTimeout(this.bus.publish(batches.flatMap((b) => b.messages)), publishTimeoutMs);
        } catch (error) {
          this.logger.debug({ deviceId, err: error }, 'outbox relay: bus still unavailable');
          return false;
        }
        await this.outbox.release(deviceId, batches.map((b) => b.id));
        const count = batches.reduce((n, b) => n + b.messages.length, 0);
        this.metrics.eventsRelayed.inc(count);
        this.logger.info({ deviceId, events: count }, 'deferred events published');
      }
    } finally {
      await this.outbox.unclaim(deviceId, owner).catch(() => undefined);
    }
  }
}
