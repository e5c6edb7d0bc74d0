import type { Consumer, EachMessagePayload, Producer } from 'kafkajs';
import type { BusHandler, BusMessage, Subscription } from '@acs/platform';

import { deadLetter, decodeBusMessage, dlqTopic } from './bus-message.codec';
import type { KafkaLogSink } from './kafka-logging';
import { KafkaUnavailableError } from './kafka-unavailable.error';

export interface RetryPolicy {
  /** Handler attempts per message before it is dead-lettered. */
  maxAttempts: number;
  /** Delay before the second attempt; doubles per attempt up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
}

/** How soon a subscription whose consumer stopped starts a new one: `baseDelayMs`, doubling up to `maxDelayMs`. */
export interface RestartPolicy {
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface SubscriptionSetup {
  group: string;
  topic: string;
  fromBeginning: boolean;
  partitionsConsumedConcurrently: number;
  /** A consumer that has not joined its group and fetched by then is given up (and, after a crash, replaced). */
  joinTimeoutMs: number;
  heartbeatIntervalMs: number;
  retry: RetryPolicy;
  restart: RestartPolicy;
}

/** Thrown out of eachMessage when the subscription closes mid-retry, so kafkajs does not commit the offset. */
export class SubscriptionClosingError extends Error {
  static readonly text = 'subscription closing: message left uncommitted for the next member';

  constructor() {
    super(SubscriptionClosingError.text);
    this.name = 'SubscriptionClosingError';
  }
}

/** A join under way: settles when the consumer has joined and fetched, crashed, or run out of time. */
interface JoinWatch {
  consumer: Consumer;
  joined: Promise<void>;
  fail(error: Error): void;
  cancel(): void;
}

/**
 * One group on one topic, followed for as long as the subscription is open. Messages of a partition are handled one
 * at a time (kafkajs eachMessage), which is what keeps one key's messages in order. A failing handler is retried in
 * place with exponential back-off (heartbeating meanwhile, so the group does not evict us), then the message goes to
 * `<topic>.dlq`. kafkajs resolves an offset only when eachMessage returns, so an offset is committed only once its
 * message was handled or dead-lettered; a crash in between means redelivery (at-least-once).
 *
 * The subscription, not kafkajs, restarts its consumer. kafkajs restarts a crashed consumer only when it deems the
 * error retriable, and some errors of a broker restart are not: a FindCoordinator request cut off while the broker
 * shuts down surfaces as KafkaJSGroupCoordinatorNotFound, non-retriable (kafkajs issues #1445, #1630), and the
 * consumer then stops for good while the process looks healthy. So kafkajs is told never to restart
 * (`restartOnFailure`), and every crash of an open subscription — whatever the error — is followed by a new consumer
 * in the same group, after a short back-off, until one has joined. The group resumes from its committed positions.
 */
export class KafkaSubscription implements Subscription {
  private closing: Promise<void> | null = null;
  private consumer: Consumer | null = null;
  private joinWatch: JoinWatch | null = null;
  private recovering: Promise<void> | null = null;
  /** The crash of the current consumer that the recovery loop has yet to answer. */
  private crash: Error | null = null;
  private wake: (() => void) | null = null;

  constructor(
    private readonly setup: SubscriptionSetup,
    private readonly newConsumer: () => Consumer,
    private readonly producer: Producer,
    private readonly handler: BusHandler,
    private readonly ensureTopic: (topic: string) => Promise<void>,
    private readonly logger: KafkaLogSink,
    private readonly onClosed: (subscription: KafkaSubscription) => void,
  ) {}

  get isClosing(): boolean {
    return this.closing !== null;
  }

  /**
   * Joins the group. A consumer that crashes on the way is replaced (the join fails only once `joinTimeoutMs` has
   * passed, with the last error), so a broker that is still settling does not fail a service's start.
   */
  async start(): Promise<void> {
    const { group, topic, joinTimeoutMs } = this.setup;
    const deadline = Date.now() + joinTimeoutMs;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.join(deadline - Date.now());
        return;
      } catch (error) {
        const delay = this.restartDelay(attempt);
        if (this.isClosing || Date.now() + delay >= deadline) {
          throw error instanceof KafkaUnavailableError
            ? error
            : new KafkaUnavailableError(`consumer of group "${group}" on "${topic}" did not join within ${joinTimeoutMs} ms: ${errorText(error)}`, { cause: error });
        }
        await this.pause(delay);
      }
    }
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
    const retry = this.setup.retry;
    for (let attempt = 1; ; attempt++) {
      if (this.isClosing) throw new SubscriptionClosingError();
      try {
        await this.handler(message);
        return;
      } catch (error) {
        if (attempt >= retry.maxAttempts) {
          await this.deadLetter({ topic, partition, record }, message, errorText(error), attempt);
          return;
        }
        const delay = Math.min(retry.baseDelayMs * 2 ** (attempt - 1), retry.maxDelayMs);
        await this.backOff(delay, heartbeat);
      }
    }
  };

  close(): Promise<void> {
    this.closing ??= (async () => {
      this.joinWatch?.fail(new KafkaUnavailableError(`subscription of group "${this.setup.group}" on "${this.setup.topic}" closed while joining`));
      this.wake?.();
      await this.recovering;
      await this.consumer?.disconnect();
    })().finally(() => this.onClosed(this));
    return this.closing;
  }

  /** Starts a consumer and resolves once it has joined and fetched; on failure it is disconnected again. */
  private async join(timeoutMs: number): Promise<void> {
    const { topic, fromBeginning, partitionsConsumedConcurrently } = this.setup;
    const consumer = this.newConsumer();
    this.consumer = consumer;
    consumer.on(consumer.events.CRASH, ({ payload }) => this.crashed(consumer, payload.error));
    const watch = this.watchJoin(consumer, Math.max(timeoutMs, 0));
    this.joinWatch = watch;
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning });
      await consumer.run({ eachMessage: this.eachMessage, partitionsConsumedConcurrently });
      await watch.joined;
    } catch (error) {
      watch.cancel();
      // Whatever it reports from now on (a crash of the join it was given up in) is no longer ours to answer.
      if (this.consumer === consumer) this.consumer = null;
      await consumer.disconnect().catch(() => undefined);
      throw error;
    } finally {
      if (this.joinWatch === watch) this.joinWatch = null;
    }
  }

  private crashed(consumer: Consumer, error: Error): void {
    if (consumer !== this.consumer || this.isClosing) return;
    // A crash while joining fails that join; the loop around it (start or recover) decides what comes next.
    if (this.joinWatch?.consumer === consumer) {
      this.joinWatch.fail(error);
      return;
    }
    this.crash = error;
    this.recovering ??= this.recover().finally(() => (this.recovering = null));
  }

  /**
   * Replaces the crashed consumer with new ones, after a growing delay each, until one has joined or we close; and
   * again if the one that joined crashed before this loop saw it join.
   */
  private async recover(): Promise<void> {
    const { group, topic } = this.setup;
    while (this.crash && !this.isClosing) {
      let cause: unknown = this.crash;
      this.crash = null;
      const since = Date.now();
      for (let attempt = 1; !this.isClosing; attempt++) {
        const delayMs = this.restartDelay(attempt);
        this.logger.warn({ group, topic, attempt, delayMs, error: errorText(cause) }, 'kafka consumer stopped; starting a new one in the same group');
        await this.pause(delayMs);
        if (this.isClosing) return;
        try {
          await this.join(this.setup.joinTimeoutMs);
          // At warn, like the stop it closes: a log filtered to warnings shows where the outage ended.
          this.logger.warn({ group, topic, attempts: attempt, downMs: Date.now() - since }, 'kafka consumer rejoined its group; the subscription follows the topic again');
          break;
        } catch (joinError) {
          cause = joinError;
        }
      }
    }
  }

  private restartDelay(attempt: number): number {
    const { baseDelayMs, maxDelayMs } = this.setup.restart;
    return Math.min(baseDelayMs * 2 ** (attempt - 1), maxDelayMs);
  }

  /** Sleeps `ms`, or less if the subscription closes meanwhile. */
  private pause(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    }).finally(() => (this.wake = null));
  }

  /**
   * `joined` resolves once the consumer has joined its group and finished its first fetch — by then the start offsets
   * of its partitions are resolved, so a message published after `subscribe` resolves is not skipped by "latest".
   * A member given no partitions (more members than partitions) resolves at the join.
   */
  private watchJoin(consumer: Consumer, timeoutMs: number): JoinWatch {
    const { group, topic } = this.setup;
    const removers: Array<() => void> = [];
    let timer: NodeJS.Timeout | undefined;
    let settle: (error?: Error) => void = () => undefined;
    const stop = (): void => {
      clearTimeout(timer);
      for (const remove of removers.splice(0)) remove();
    };
    const joined = new Promise<void>((resolve, reject) => {
      settle = (error?: Error): void => {
        stop();
        if (error) reject(error);
        else resolve();
      };
      timer = setTimeout(() => settle(new KafkaUnavailableError(`consumer of group "${group}" on "${topic}" did not join within ${timeoutMs} ms`)), timeoutMs);
      let hasJoined = false;
      removers.push(
        consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
          hasJoined = true;
          const assigned = Object.values(payload.memberAssignment).some((partitions) => partitions.length > 0);
          if (!assigned) settle();
        }),
        consumer.on(consumer.events.FETCH, () => {
          if (hasJoined) settle();
        }),
      );
    });
    // Nobody awaits it when connect() itself failed; cancel() then just stops the timer.
    joined.catch(() => undefined);
    return { consumer, joined, fail: (error) => settle(error), cancel: stop };
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
      await sleep(Math.min(left, this.setup.heartbeatIntervalMs));
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
