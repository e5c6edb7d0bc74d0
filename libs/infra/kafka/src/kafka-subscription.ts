import type { Consumer, EachMessagePayload, Producer } from 'kafkajs';
import type { BusHandler, BusMessage, Subscription } from '@acs/platform';

import { deadLetter, decodeBusMessage, dlqTopic } from './bus-message.codec';

export interface RetryPolicy {
  /** Handler attempts per message before it is dead-lettered. */
  maxAttempts: number;
  /** Delay before the second attempt; doubles per attempt up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
}

/** Thrown out of eachMessage when the subscription closes mid-retry, so kafkajs does not commit the offset. */
export class SubscriptionClosingError extends Error {
  static readonly text = 'subscription closing: message left uncommitted for the next member';

  constructor() {
    super(SubscriptionClosingError.text);
    this.name = 'SubscriptionClosingError';
  }
}

/**
 * One consumer of one group on one topic. Messages of a partition are handled one at a time (kafkajs eachMessage),
 * which is what keeps one key's messages in order. A failing handler is retried in place with exponential back-off
 * (heartbeating meanwhile, so the group does not evict us), then the message goes to `<topic>.dlq`. kafkajs
 * resolves an offset only when eachMessage returns, so an offset is committed only once its message was handled or
 * dead-lettered; a crash in between means redelivery (at-least-once).
 */
export class KafkaSubscription implements Subscription {
  private closing: Promise<void> | null = null;

  constructor(
    private readonly consumer: Consumer,
    private readonly producer: Producer,
    private readonly handler: BusHandler,
    private readonly retry: RetryPolicy,
    private readonly heartbeatIntervalMs: number,
    private readonly ensureTopic: (topic: string) => Promise<void>,
    private readonly onClosed: (subscription: KafkaSubscription) => void,
  ) {}

  get isClosing(): boolean {
    return this.closing !== null;
  }

  readonly eachMessage = async ({ topic, partition, message: record, heartbeat }: EachMessagePayload): Promise<void> => {
    let message: BusMessage;
    try {
      message = decodeBusMessage(record);
    } catch (error) {
      // Retrying cannot fix a record that does not parse: straight to the dead-letter topic.
      await this.deadLetter({ topic, partition, record }, null, errorText(error), 0);
      return;
    }
    for (let attempt = 1; ; attempt++) {
      if (this.isClosing) throw new SubscriptionClosingError();
      try {
        await this.handler(message);
        return;
      } catch (error) {
        if (attempt >= this.retry.maxAttempts) {
          await this.deadLetter({ topic, partition, record }, message, errorText(error), attempt);
          return;
        }
        const delay = Math.min(this.retry.baseDelayMs * 2 ** (attempt - 1), this.retry.maxDelayMs);
        await this.backOff(delay, heartbeat);
      }
    }
  };

  close(): Promise<void> {
    this.closing ??= this.consumer.disconnect().finally(() => this.onClosed(this));
    return this.closing;
  }

  private async deadLetter(source: Parameters<typeof deadLetter>[0], message: BusMessage | null, error: string, attempts: number): Promise<void> {
    await this.ensureTopic(dlqTopic(source.topic));
    // If this send fails, eachMessage throws and kafkajs redelivers: the message is never dropped silently.
    await this.producer.send({ topic: dlqTopic(source.topic), acks: -1, messages: [deadLetter(source, message, error, attempts)] });
  }

  /** Sleeps `ms` in heartbeat-sized slices, stopping early when the subscription closes. */
  private async backOff(ms: number, heartbeat: () => Promise<void>): Promise<void> {
    const until = Date.now() + ms;
    for (let left = ms; left > 0 && !this.isClosing; left = until - Date.now()) {
      await sleep(Math.min(left, this.heartbeatIntervalMs));
      await heartbeat();
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
