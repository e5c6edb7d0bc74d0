import type { BusHandler, BusMessage, EventBus, SubscribeOptions, Subscription } from '../ports';

/**
 * Puts every topic and every consumer group of a bus under a prefix (`<prefix>cwmp.events`, `<prefix>provisioning`),
 * so several installations — or test runs — can share one Kafka cluster without seeing each other's events.
 * Consumers see the topic names without the prefix. Groups need it as much as topics: two installations whose
 * `provisioning` groups followed different topics would be one group to the broker, each member assigned partitions
 * of the other's topic that it never reads.
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
    return this.inner.subscribe(this.prefix + topic, { ...options, group: this.prefix + options.group }, (m) =>
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
