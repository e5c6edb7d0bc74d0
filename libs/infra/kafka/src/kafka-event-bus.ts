import { type Admin, CompressionTypes, Kafka, type LogEntry, type Message, Partitioners, type Producer } from 'kafkajs';
import { GroupTopicConflictError, MessageTooLargeError, type BusHandler, type BusMessage, type EventBus, type SubscribeOptions, type Subscription } from '@acs/platform';

import { dlqTopic, encodeBusMessage } from './bus-message.codec';
import { type KafkaLogLevel, type KafkaLogSink, kafkaLogCreator, kafkaLogLevel, stderrSink } from './kafka-logging';
import { KafkaSubscription, SubscriptionClosingError } from './kafka-subscription';
import { KafkaUnavailableError } from './kafka-unavailable.error';

export { KafkaUnavailableError } from './kafka-unavailable.error';

export interface KafkaEventBusOptions {
  brokers: string[];
  clientId: string;
  /** Topics (and their `.dlq`) created by `start()`. Others are created on first publish or subscribe. */
  topics?: string[];
  /** Partitions of the topics this bus creates. Default 12. */
  partitions?: number;
  /** Replication factor of the topics this bus creates. Default: the broker's `default.replication.factor`. */
  replicationFactor?: number;
  /** Handler attempts per message before it goes to `<topic>.dlq`. Default 5. */
  maxAttempts?: number;
  /** First retry delay of a failing handler; doubles per attempt. Default 200 ms. */
  retryBaseMs?: number;
  /** Ceiling of the retry delay. Default 10 s. */
  retryMaxMs?: number;
  /** `ping()` fails after this long. Default 2 s. */
  pingTimeoutMs?: number;
  /**
   * `subscribe()` fails if no consumer has joined its group by then; a consumer replacing a crashed one is given up
   * after this long too (and another started). Default 30 s.
   */
  joinTimeoutMs?: number;
  /**
   * Delay before a subscription whose consumer stopped (a broker restart, say) starts a new one; doubles per failed
   * attempt up to `consumerRestartMaxMs`. Defaults 500 ms and 5 s.
   */
  consumerRestartBaseMs?: number;
  consumerRestartMaxMs?: number;
  connectionTimeoutMs?: number;
  requestTimeoutMs?: number;
  /** Retries of a failed request or connect by kafkajs itself, with its exponential back-off. Default 5. */
  retries?: number;
  /**
   * Partitions one subscriber works on at once. Order holds within a partition (one key's messages), so partitions
   * can be handled concurrently: a slow handler (a database write) then does not hold up every device. Default 8.
   */
  partitionsConsumedConcurrently?: number;
  /** Consumer group session timeout. Default 30 s. */
  sessionTimeoutMs?: number;
  /** Consumer heartbeat interval. Default 3 s. */
  heartbeatIntervalMs?: number;
  /** How long a fetch waits for data when there is none: the latency floor of an idle consumer. Default 500 ms. */
  fetchMaxWaitMs?: number;
  /**
   * The largest message this bus publishes, and the `max.message.bytes` of the topics it creates. Default 16 MiB:
   * a device's answer to one RPC travels as one message, and a large parameter tree answers in several MiB (the
   * broker's own default, about 1 MiB, would refuse it). A larger message is refused with MessageTooLargeError
   * before it is sent. Topics that already exist keep their setting (raise it with kafka-configs.sh).
   */
  maxMessageBytes?: number;
  /** kafkajs's own log level. Default warn. */
  logLevel?: KafkaLogLevel;
  /** Where kafkajs logs go; JSON lines on stderr when absent. */
  logger?: KafkaLogSink;
}

/** Messages per produce request at most, so one request stays well under the broker's size limit. */
const MAX_BATCH_MESSAGES = 2_000;
export const DEFAULT_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
/**
 * Produce requests this large or larger are gzip-compressed: large answers (parameter trees, JSON-encoded XML
 * values) shrink several times, while the small messages of ordinary sessions are not worth the CPU.
 */
const COMPRESS_FROM_BYTES = 64 * 1024;

interface PendingPublish {
  messages: BusMessage[];
  encoded: Message[];
  bytes: number;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export class EventBusClosedError extends Error {
  constructor() {
    super('event bus is closed');
    this.name = 'EventBusClosedError';
  }
}

/**
 * EventBus on Kafka. Publishing goes through one idempotent producer (acks=all, one request in flight), so a
 * resolved `publish` means every replica in sync has the messages, in order, without duplicates from producer
 * retries. Each `subscribe` is its own consumer in the given group (see KafkaSubscription for retries and DLQ).
 */
export class KafkaEventBus implements EventBus {
  private readonly pending: PendingPublish[] = [];
  private flushing = false;
  private readonly kafka: Kafka;
  private readonly producer: Producer;
  private readonly admin: Admin;
  private readonly subscriptions = new Set<KafkaSubscription>();
  /** group → the topic it follows (a group across topics would leave partitions unread; see SubscribeOptions). */
  private readonly groupTopics = new Map<string, string>();
  /** Deletions of ephemeral groups under way; close() waits for them before disconnecting the admin client. */
  private readonly groupDeletions = new Set<Promise<void>>();
  private readonly topicsReady = new Map<string, Promise<void>>();
  private producerConnected: Promise<void> | null = null;
  private adminConnected: Promise<void> | null = null;
  private closing: Promise<void> | null = null;

  constructor(private readonly options: KafkaEventBusOptions) {
    this.kafka = new Kafka({
      clientId: options.clientId,
      brokers: options.brokers,
      connectionTimeout: options.connectionTimeoutMs ?? 3_000,
      requestTimeout: options.requestTimeoutMs ?? 30_000,
      retry: { retries: options.retries ?? 5 },
      // kafkajs filters by this level first; the log creator then demotes the protocol errors kafkajs retries.
      logLevel: kafkaLogLevel(options.logLevel ?? 'warn'),
      logCreator: kafkaLogCreator(options.logger, options.logLevel ?? 'warn', isExpectedNoise),
    });
    this.producer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      // Idempotence is what makes producer retries safe; kafkajs refuses it without any.
      retry: { retries: Math.max(1, options.retries ?? 5) },
      allowAutoTopicCreation: false,
      // The Java client's murmur2 partitioner: other clients put a key on the same partition as we do.
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    this.admin = this.kafka.admin();
  }

  /** Connects and creates the configured topics; call at start-up to fail fast on a bad broker list. */
  async start(): Promise<void> {
    this.assertOpen();
    await this.connectProducer();
    for (const topic of this.options.topics ?? []) {
      await this.ensureTopic(topic);
      await this.ensureTopic(dlqTopic(topic));
    }
  }

  async publish(messages: BusMessage[]): Promise<void> {
    this.assertOpen();
    if (messages.length === 0) return;
    await this.connectProducer();
    for (const message of messages) await this.ensureTopic(message.topic);
    // Encoded once, here, so a message the bus cannot carry fails its own publish call rather than the batch it
    // would have joined (and the callers whose messages share that batch).
    const limit = this.options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    const encoded = messages.map((m) => encodeBusMessage(m));
    let bytes = 0;
    for (const [i, message] of encoded.entries()) {
      const size = messageBytes(message);
      if (size > limit) throw new MessageTooLargeError(messages[i]!.topic, size, limit);
      bytes += size;
    }
    // The idempotent producer allows one request in flight, so a request per publish would cap throughput at one
    // Kafka round trip per call. Calls made while a request is in flight wait and go together in the next one,
    // in call order: one key's messages keep their order, and each caller still resolves only once its own
    // messages are acknowledged by all in-sync replicas.
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ messages, encoded, bytes, resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.pending.length > 0) {
        const batch: PendingPublish[] = [];
        let count = 0;
        while (this.pending.length > 0 && (batch.length === 0 || count + this.pending[0].messages.length <= MAX_BATCH_MESSAGES)) {
          const next = this.pending.shift()!;
          batch.push(next);
          count += next.messages.length;
        }
        const byTopic = new Map<string, Message[]>();
        let bytes = 0;
        for (const entry of batch) {
          bytes += entry.bytes;
          entry.messages.forEach((message, i) => {
            const list = byTopic.get(message.topic);
            if (list) list.push(entry.encoded[i]!);
            else byTopic.set(message.topic, [entry.encoded[i]!]);
          });
        }
        try {
          await this.producer.sendBatch({
            acks: -1,
            ...(bytes >= COMPRESS_FROM_BYTES ? { compression: CompressionTypes.GZIP } : {}),
            topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
          });
          for (const entry of batch) entry.resolve();
        } catch (error) {
          for (const entry of batch) entry.reject(error);
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  async subscribe(topic: string, options: SubscribeOptions, handler: BusHandler): Promise<Subscription> {
    this.assertOpen();
    const followed = this.groupTopics.get(options.group);
    if (followed !== undefined && followed !== topic) throw new GroupTopicConflictError(options.group, topic, followed);
    this.groupTopics.set(options.group, topic);
    await this.connectProducer(); // dead letters go through it
    await this.ensureTopic(topic);
    // Created up front so it is there for operators (and alerting) before the first failure needs it.
    if (!topic.endsWith('.dlq')) await this.ensureTopic(dlqTopic(topic));
    if (!options.fromBeginning) await this.pinStart(options.group, topic);
    const heartbeatInterval = this.options.heartbeatIntervalMs ?? 3_000;
    const subscription = new KafkaSubscription(
      {
        group: options.group,
        topic,
        fromBeginning: options.fromBeginning ?? false,
        partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 8,
        joinTimeoutMs: this.options.joinTimeoutMs ?? 30_000,
        heartbeatIntervalMs: heartbeatInterval,
        retry: {
          maxAttempts: this.options.maxAttempts ?? 5,
          baseDelayMs: this.options.retryBaseMs ?? 200,
          maxDelayMs: this.options.retryMaxMs ?? 10_000,
        },
        restart: { baseDelayMs: this.options.consumerRestartBaseMs ?? 500, maxDelayMs: this.options.consumerRestartMaxMs ?? 5_000 },
      },
      () =>
        this.kafka.consumer({
          groupId: options.group,
          sessionTimeout: this.options.sessionTimeoutMs ?? 30_000,
          heartbeatInterval,
          maxWaitTimeInMs: this.options.fetchMaxWaitMs ?? 500,
          allowAutoTopicCreation: false,
          // The subscription restarts its consumer after any crash (see KafkaSubscription); kafkajs would restart
          // only after some, and a second restarter would race the first.
          retry: { retries: this.options.retries ?? 5, restartOnFailure: async () => false },
        }),
      this.producer,
      handler,
      (name) => this.ensureTopic(name),
      this.options.logger ?? stderrSink,
      (closed) => {
        this.subscriptions.delete(closed);
        if (options.ephemeral) this.deleteGroup(options.group);
      },
    );
    this.subscriptions.add(subscription);
    try {
      await subscription.start();
    } catch (error) {
      await subscription.close().catch(() => undefined);
      throw error;
    }
    return subscription;
  }

  async ping(): Promise<void> {
    this.assertOpen();
    const timeoutMs = this.options.pingTimeoutMs ?? 2_000;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new KafkaUnavailableError(`Kafka did not answer within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([this.connectAdmin().then(() => this.admin.describeCluster()), timeout]);
    } catch (error) {
      if (error instanceof KafkaUnavailableError) throw error;
      throw new KafkaUnavailableError(`Kafka unavailable: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    } finally {
      clearTimeout(timer);
    }
  }

  /** Closes every subscription, then the producer and the admin client. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await Promise.allSettled([...this.subscriptions].map((s) => s.close()));
      await Promise.allSettled([...this.groupDeletions]);
      await Promise.allSettled([this.producer.disconnect(), this.admin.disconnect()]);
    })();
    return this.closing;
  }

  /**
   * Removes an ephemeral group once its only member has left. Best effort: a broker that refuses (down, or the group
   * not empty yet) leaves it to Kafka's own expiry of idle groups.
   */
  private deleteGroup(group: string): void {
    this.groupTopics.delete(group);
    const deletion = this.connectAdmin()
      .then(() => this.admin.deleteGroups([group]))
      .then(
        () => undefined,
        () => undefined,
      )
      .finally(() => this.groupDeletions.delete(deletion));
    this.groupDeletions.add(deletion);
  }

  private assertOpen(): void {
    if (this.closing) throw new EventBusClosedError();
  }

  private connectProducer(): Promise<void> {
    this.producerConnected ??= this.producer.connect().catch((error: unknown) => {
      this.producerConnected = null;
      throw error;
    });
    return this.producerConnected;
  }

  private connectAdmin(): Promise<void> {
    this.adminConnected ??= this.admin.connect().catch((error: unknown) => {
      this.adminConnected = null;
      throw error;
    });
    return this.adminConnected;
  }

  /** Creates the topic once per process; an existing topic is left as it is (Kafka answers "already exists"). */
  private ensureTopic(topic: string): Promise<void> {
    let ready = this.topicsReady.get(topic);
    if (!ready) {
      ready = (async () => {
        await this.connectAdmin();
        // A broker that has just started may answer "does not host this topic-partition" (or "leader not
        // available") while its metadata settles after creating the topic.
        await retryWhileRetriable(() =>
          this.admin.createTopics({
            waitForLeaders: true,
            topics: [
              {
                topic,
                numPartitions: this.options.partitions ?? 12,
                replicationFactor: this.options.replicationFactor ?? -1,
                configEntries: [{ name: 'max.message.bytes', value: String(this.options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES) }],
              },
            ],
          }),
        );
      })().catch((error: unknown) => {
        this.topicsReady.delete(topic);
        throw error;
      });
      this.topicsReady.set(topic, ready);
    }
    return ready;
  }

  /**
   * Gives a group that has no position on `topic` yet the topic's end as its committed position, before its consumer
   * joins. kafkajs resolves "latest" for a partition without a committed offset at every join, not once: a group that
   * rejoins before it has committed on a partition (after a broker restart, or a rebalance) would otherwise start
   * that partition at its new end and skip what was published while it was away. The NBI's event hub is such a
   * group: most partitions see no event of its own before an outage, and the gateways' outboxes publish what they
   * kept the moment Kafka is back, before the hub has rejoined.
   */
  private async pinStart(group: string, topic: string): Promise<void> {
    await this.connectAdmin();
    // kafkajs's admin does not retry a group coordinator that moved or is still loading (what a broker answers for a
    // while after it restarted, or fenced itself on a loaded machine): a pod's start would fail on it.
    await retryWhileRetriable(() => this.pinStartOnce(group, topic));
  }

  private async pinStartOnce(group: string, topic: string): Promise<void> {
    if (await this.hasPosition(group, topic)) return;
    const ends = await this.admin.fetchTopicOffsets(topic);
    try {
      await this.admin.setOffsets({ groupId: group, topic, partitions: ends.map(({ partition, high }) => ({ partition, offset: high })) });
    } catch (error) {
      // Kafka refuses offsets for a group with members: another member of a new group came first and pinned it.
      if (!(await this.hasPosition(group, topic))) throw error;
    }
  }

  private async hasPosition(group: string, topic: string): Promise<boolean> {
    const offsets = await this.admin.fetchOffsets({ groupId: group, topics: [topic] });
    return offsets.some(({ partitions }) => partitions.some(({ offset }) => Number(offset) >= 0));
  }
}

/**
 * Runs `request` again, up to 5 times with a growing pause, while it fails with an error Kafka marks retriable (or a
 * metadata error of a broker still settling, which kafkajs's admin reports without that mark).
 */
async function retryWhileRetriable<T>(request: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await request();
    } catch (error) {
      const retriable = (error as { retriable?: boolean }).retriable === true || /does not host this topic-partition|leader/i.test(String(error));
      if (!retriable || attempt >= 5) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
    }
  }
}

/** kafkajs logs every error thrown out of eachMessage; the one we throw to stop mid-retry on close is expected. */
function isExpectedNoise(entry: LogEntry): boolean {
  return entry.log.error instanceof SubscriptionClosingError;
}

/** What a message costs against the broker's limit: its value, key and headers (record overhead aside). */
function messageBytes(message: Message): number {
  let bytes = byteLength(message.value) + byteLength(message.key);
  for (const [name, value] of Object.entries(message.headers ?? {})) bytes += Buffer.byteLength(name) + (Array.isArray(value) ? value.reduce((n: number, v) => n + byteLength(v), 0) : byteLength(value));
  return bytes;
}

function byteLength(value: Buffer | string | null | undefined): number {
  if (value === null || value === undefined) return 0;
  return typeof value === 'string' ? Buffer.byteLength(value) : value.length;
}
