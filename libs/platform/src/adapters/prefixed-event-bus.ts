import type { BusHandler, BusMessage, EventBus, SubscribeOptions, Subscription } from '../ports';

/**
 * Puts every topic of a bus under a prefix (`<prefix>cwmp.events`), so several installations — or test runs — can
 * share one Kafka cluster without seeing each other's events. Consumers see the topic names without the prefix.
 */
export class PrefixedEventBus implements EventBus {
  constructor(
    private readonly inner: EventBus,
    private readonly prefix: string,
  ) {}

  publish(messages: BusMessage[]): Promise<void> {
    return this.inner.publish(messages.map((m) => ({ ...m, topic: this.prefix + m.topic })));
  }

  subscribe(topic: string, options: SubscribeOptions, handler: BusHandler): Promise<Subscription> {
    return this.inner.subscribe(this.prefix + topic, options, (m) =>
      handler(m.topic.startsWith(this.prefix) ? { ...m, topic: m.topic.slice(this.prefix.length) } : m),
    );
  }

  ping(): Promise<void> {
    return this.inner.ping();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
