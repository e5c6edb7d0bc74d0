import { randomUUID } from 'node:crypto';
import { MessageTooLargeError, type BusMessage, type DeviceQueue, type EventBus, type EventOutbox, type Logger } from '@acs/platform';
import type { GatewayMetrics } from '../gateway.metrics';

export type PublishOutcome = 'published' | 'deferred';

/**
 * Publishes a session's events on the bus, or — when the bus is down or too slow — defers them to the device's
 * outbox so the CWMP session goes on. A result's work item is acknowledged once its result is on the bus, or parked
 * with it in the outbox (atomically) and acknowledged by the relay later: never lost, never run twice.
 *
 * Order per device: once a device has deferred events, its new events are deferred behind them until the relay has
 * drained them. Checking the outbox costs a Redis read, so it is only done while this pod has reason to think some
 * device may have deferred events (it deferred some, or its relay last saw some).
 */
export class EventPublisher {
  private mayHaveDeferred = true;
  /** Bumped on every deferral, so a relay scan that started before one cannot clear the flag it set. */
  private deferrals = 0;

  constructor(
    private readonly bus: EventBus,
    private readonly outbox: EventOutbox,
    private readonly queue: DeviceQueue,
    private readonly metrics: GatewayMetrics,
    private readonly logger: Logger,
    private readonly publishTimeoutMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async publish(deviceId: string, messages: BusMessage[], ackItemId?: string): Promise<PublishOutcome> {
    if (this.mayHaveDeferred && (await this.outbox.hasPending(deviceId))) return this.defer(deviceId, messages, ackItemId, 'behind deferred events');
    try {
      await withTimeout(this.bus.publish(messages), this.publishTimeoutMs);
    } catch (error) {
      // Not an outage: parked, it would block the device's every later event behind one the bus never takes.
      if (error instanceof MessageTooLargeError) throw error;
      return this.defer(deviceId, messages, ackItemId, error instanceof Error ? error.message : String(error));
    }
    if (ackItemId !== undefined) await this.queue.ack(deviceId, ackItemId);
    return 'published';
  }

  /** The relay's view after a scan: no device had deferred events (and none was deferred since `startedAt`). */
  relayScanned(foundPending: boolean, deferralsAtStart: number): void {
    if (foundPending) this.mayHaveDeferred = true;
    else if (this.deferrals === deferralsAtStart) this.mayHaveDeferred = false;
  }

  get deferralCount(): number {
    return this.deferrals;
  }

  private async defer(deviceId: string, messages: BusMessage[], ackItemId: string | undefined, reason: string): Promise<PublishOutcome> {
    this.mayHaveDeferred = true;
    this.deferrals += 1;
    await this.outbox.defer({ id: randomUUID(), deviceId, messages, parkedItemId: ackItemId, deferredAt: this.now() });
    this.metrics.eventsDeferred.inc(messages.length);
    this.logger.warn({ deviceId, events: messages.map((m) => m.type), reason }, 'events deferred to the outbox');
    return 'deferred';
  }
}

/** Rejects after `ms`; the publish itself may still complete later, which at-least-once delivery allows. */
export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`bus did not accept the events within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
