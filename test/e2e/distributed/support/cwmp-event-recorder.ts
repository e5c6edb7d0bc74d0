import { isEvent, Topics, type CwmpEventType } from '@acs/contracts';
import { decodeBusMessage } from '@acs/infra-kafka';
import type { BusMessage } from '@acs/platform';
import { type Admin, type Consumer, Kafka, logLevel } from 'kafkajs';

/**
 * Reads `cwmp.events` from a real Kafka with a consumer group of its own, keeping the messages of one test run's
 * devices (by key prefix) in the order their partition delivered them. The topic is shared and persistent, so the
 * recorder pins every partition's start at the end offsets it saw when it started: it reads only what is published
 * afterwards, and nothing published afterwards can slip past it, however long its group takes to join.
 */
export class CwmpEventRecorder {
  readonly messages: BusMessage[] = [];
  /**
   * Ids already recorded. Delivery is at least once: a rebalance of the recorder's own group on a busy machine (a
   * missed heartbeat) hands it again what it had read but not committed, and a publish that outlived the gateway's
   * timeout is relayed again from the outbox with the same id. Like any consumer (docs/events.md), the recorder
   * keeps the first copy of each message, so the suites count what was published, not how often it was delivered.
   */
  private readonly seen = new Set<string>();
  private readonly kafka: Kafka;
  private readonly admin: Admin;
  private readonly consumer: Consumer;
  private readonly groupId: string;
  private crashed?: Error;

  constructor(
    brokers: string[],
    private readonly keyPrefix: string,
  ) {
    this.kafka = new Kafka({ clientId: `e2e-recorder-${keyPrefix}`, brokers, connectionTimeout: 3_000, logLevel: logLevel.NOTHING });
    this.admin = this.kafka.admin();
    this.groupId = `e2e-recorder-${keyPrefix}-${Date.now()}`;
    // A short fetch wait: the suites wait for the last events of a run, and every fetch round adds to that.
    this.consumer = this.kafka.consumer({ groupId: this.groupId, maxWaitTimeInMs: 50, sessionTimeout: 10_000, heartbeatInterval: 1_000 });
  }

  /** Call after a gateway started (it creates the topic) and before any work of the run is queued. */
  async start(): Promise<void> {
    await this.admin.connect();
    const ends = await this.admin.fetchTopicOffsets(Topics.cwmpEvents);
    this.consumer.on(this.consumer.events.CRASH, ({ payload }) => {
      if (!payload.restart) this.crashed = payload.error;
    });
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [Topics.cwmpEvents], fromBeginning: false });
    await this.consumer.run({
      eachMessage: async ({ message }) => {
        if (!message.key?.toString('utf8').startsWith(this.keyPrefix)) return;
        const decoded = decodeBusMessage(message);
        if (this.seen.has(decoded.id)) return;
        this.seen.add(decoded.id);
        this.messages.push(decoded);
      },
    });
    // Applied at each partition's first fetch, whenever the group assigns it.
    for (const { partition, offset } of ends) this.consumer.seek({ topic: Topics.cwmpEvents, partition, offset });
  }

  ofType<T extends CwmpEventType>(type: T) {
    return this.messages.filter((m) => isEvent(m, type));
  }

  /** The messages of each device, in the order Kafka delivered them (one device = one key = one partition). */
  byDevice(): Map<string, BusMessage[]> {
    const devices = new Map<string, BusMessage[]>();
    for (const message of this.messages) {
      const list = devices.get(message.key);
      if (list) list.push(message);
      else devices.set(message.key, [message]);
    }
    return devices;
  }

  /** Polls until `condition` holds; the error says what was missing and how many messages had arrived. */
  async waitFor(what: string, condition: () => boolean, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (this.crashed) throw new Error(`the Kafka consumer crashed: ${this.crashed.message}`);
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (${this.messages.length} events recorded)`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  /** Disconnects and deletes the recorder's consumer group, so runs leave no groups behind. */
  async stop(): Promise<void> {
    await this.consumer.disconnect().catch(() => undefined);
    await this.admin.deleteGroups([this.groupId]).catch(() => undefined);
    await this.admin.disconnect().catch(() => undefined);
  }
}
