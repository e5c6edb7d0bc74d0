import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { AcsDeviceEventType, Topics, type AcsCloudEvent } from '@acs/contracts';

/** What this consumer reads of an `acs.device` CloudEvent (structured mode, see docs/events.md): id, type, device. */
export type DeviceEvent = Pick<AcsCloudEvent, 'id' | 'type' | 'subject'>;

/**
 * Counts the devices registered and not deleted. Delivery is at-least-once, so the same event may arrive twice:
 * it is recognised by its CloudEvent `id`. A device may also be registered twice under different event ids
 * (deleted in between, or re-created after a lost delete), so devices are kept as a set of device ids.
 * Everything is in memory: a real billing system would keep both sets in its own store, next to its invoices.
 */
export class RegisteredDevicesCounter {
  private readonly seenEventIds = new Set<string>();
  private readonly devices = new Set<string>();
  private applied = 0;

  /** Applies one event; true when the count changed. */
  apply(event: DeviceEvent): boolean {
    this.applied++;
    if (this.seenEventIds.has(event.id)) return false;
    this.seenEventIds.add(event.id);
    const before = this.devices.size;
    if (event.type === AcsDeviceEventType.registered) this.devices.add(event.subject);
    else if (event.type === AcsDeviceEventType.deleted) this.devices.delete(event.subject);
    return this.devices.size !== before;
  }

  get count(): number {
    return this.devices.size;
  }

  /** Events applied, duplicates included: lets a caller tell when it has read what it expects. */
  get eventsApplied(): number {
    return this.applied;
  }
}

/** A record's value as a device event, or null for anything else on the topic (it is skipped, not fatal). */
export function parseDeviceEvent(value: Buffer | null): DeviceEvent | null {
  if (!value) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value.toString('utf8'));
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null) return null;
  const { specversion, id, type, subject } = parsed as Record<string, unknown>;
  if (specversion !== '1.0' || typeof id !== 'string' || typeof type !== 'string' || typeof subject !== 'string') return null;
  return { id, type, subject };
}

export interface RegisteredDevicesConsumerOptions {
  brokers: string[];
  /** Told once when the topic does not exist yet (the ACS creates it with its first device event). */
  onWaitingForTopic?: (topic: string) => void;
  /** How often to look for a missing topic. Default 2 s. */
  topicPollMs?: number;
  /** Told when the consumer stopped and is started again in `restartDelayMs` (default 2 s). */
  onRestart?: (error: Error) => void;
  restartDelayMs?: number;
  /** The installation's `ACS_KAFKA_TOPIC_PREFIX` ('' for none). */
  topicPrefix: string;
  group: string;
  counter: RegisteredDevicesCounter;
  /** Called after each event that changed the count. */
  onCount: (count: number) => void;
}

/**
 * Reads `acs.device` with kafkajs, as any consumer outside the ACS would. Offsets are never committed: the count
 * lives in memory, so each start rebuilds it by reading the topic from its beginning.
 */
export class RegisteredDevicesConsumer {
  private readonly kafka: Kafka;
  private readonly consumer: Consumer;
  private stopped = false;

  constructor(private readonly options: RegisteredDevicesConsumerOptions) {
    this.kafka = new Kafka({ clientId: 'billing-example', brokers: options.brokers, logLevel: logLevel.WARN });
    this.consumer = this.kafka.consumer({ groupId: options.group, maxWaitTimeInMs: 200 });
    // kafkajs restarts a crashed consumer only when it deems the error retriable, and a broker restart can produce one
    // it does not (a FindCoordinator cut off as the broker shuts down: kafkajs issues #1445, #1630); left alone, the
    // consumer would then stop for good. Starting it again re-reads the topic, which the counter's de-duplication allows.
    this.consumer.on(this.consumer.events.CRASH, ({ payload }) => {
      if (!payload.restart && !this.stopped) this.restart(payload.error);
    });
  }

  get topic(): string {
    return `${this.options.topicPrefix}${Topics.acsDevice}`;
  }

  async start(): Promise<void> {
    await this.untilTopicExists();
    if (this.stopped) return;
    await this.consume();
  }

  private restart(error: Error): void {
    this.options.onRestart?.(error);
    setTimeout(() => {
      if (this.stopped) return;
      this.consume().catch((failed: Error) => this.restart(failed));
    }, this.options.restartDelayMs ?? 2000);
  }

  private async consume(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [this.topic], fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      eachMessage: async ({ message }) => {
        const event = parseDeviceEvent(message.value);
        if (event && this.options.counter.apply(event)) this.options.onCount(this.options.counter.count);
      },
    });
  }

  stop(): Promise<void> {
    this.stopped = true;
    return this.consumer.disconnect();
  }

  /**
   * A cluster that does not create topics on demand refuses to subscribe to a missing one, and a fresh installation
   * has no `acs.device` until its first device informs: wait for it rather than fail.
   */
  private async untilTopicExists(): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      let told = false;
      while (!this.stopped && !(await admin.listTopics()).includes(this.topic)) {
        if (!told) this.options.onWaitingForTopic?.(this.topic);
        told = true;
        await new Promise((resolve) => setTimeout(resolve, this.options.topicPollMs ?? 2000));
      }
    } finally {
      await admin.disconnect();
    }
  }
}
