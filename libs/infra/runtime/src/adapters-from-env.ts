import { hostname } from 'node:os';
import { createRedisClient, RedisAuthLockoutStore, RedisDeviceQueue, RedisEventOutbox, RedisSessionStore, waitForRedis } from '@acs/infra-redis';
import { Topics } from '@acs/contracts';
import { DEFAULT_MAX_MESSAGE_BYTES, KafkaEventBus } from '@acs/infra-kafka';
import {
  EnvReader,
  InProcessAuthLockoutStore,
  InProcessDeviceQueue,
  InProcessEventBus,
  InProcessEventOutbox,
  InProcessSessionStore,
  PrefixedEventBus,
  type Logger,
  type PlatformAdapters,
} from '@acs/platform';

export interface RuntimeAdapters extends PlatformAdapters {
  /** What backs each port, for the start-up log. */
  describe: { sessions: string; queue: string; bus: string };
  /** The largest message the bus carries; undefined when it has no limit (the in-process bus). */
  maxMessageBytes?: number;
  /** Disconnects what was connected; the app calls it after its own shutdown. */
  close(): Promise<void>;
}

/**
 * Chooses the adapters behind the ports from the environment, once, at start:
 * - `ACS_SESSION_STORE=memory|redis` (sessions, locks, device queues and CPE auth lockouts; `ACS_REDIS_URL`),
 * - `ACS_EVENT_BUS=memory|kafka` (`ACS_KAFKA_BROKERS`, `ACS_KAFKA_PARTITIONS`, `ACS_KAFKA_REPLICATION`,
 *   `ACS_KAFKA_MAX_MESSAGE_BYTES`).
 * A server that is configured but unreachable fails the start with a message naming it, rather than a pod that
 * starts and answers 503 forever.
 */
export async function adaptersFromEnv(service: string, logger: Logger, env: Record<string, string | undefined> = process.env): Promise<RuntimeAdapters> {
  const e = new EnvReader(env);
  const storeKind = e.oneOf('ACS_SESSION_STORE', ['memory', 'redis'], 'memory');
  const busKind = e.oneOf('ACS_EVENT_BUS', ['memory', 'kafka'], 'memory');
  const closers: Array<() => Promise<void>> = [];
  const adapters: Partial<RuntimeAdapters> = {};
  let maxMessageBytes: number | undefined;

  if (storeKind === 'redis') {
    const url = e.string('ACS_REDIS_URL', 'redis://127.0.0.1:6379');
    const client = createRedisClient(url, { connectionName: `${service}@${hostname()}` });
    await waitForRedis(client, url, e.int('ACS_REDIS_CONNECT_TIMEOUT_MS', 10_000, { min: 100 }));
    // One prefix for every key, so several ACS installations (or test runs) can share a Redis.
    const keyPrefix = e.string('ACS_REDIS_KEY_PREFIX', 'acs');
    adapters.sessionStore = new RedisSessionStore(client, { keyPrefix });
    adapters.deviceQueue = new RedisDeviceQueue(client, { keyPrefix });
    adapters.outbox = new RedisEventOutbox(client, { keyPrefix });
    adapters.authLockouts = new RedisAuthLockoutStore(client, { keyPrefix });
    closers.push(async () => void (await client.quit().catch(() => client.disconnect())));
  } else {
    const queue = new InProcessDeviceQueue();
    adapters.sessionStore = new InProcessSessionStore();
    adapters.deviceQueue = queue;
    adapters.outbox = new InProcessEventOutbox(queue);
    adapters.authLockouts = new InProcessAuthLockoutStore();
  }

  if (busKind === 'kafka') {
    // Installations (or test runs) sharing a Kafka cluster keep apart by a topic prefix.
    const topicPrefix = e.string('ACS_KAFKA_TOPIC_PREFIX', '');
    maxMessageBytes = e.int('ACS_KAFKA_MAX_MESSAGE_BYTES', DEFAULT_MAX_MESSAGE_BYTES, { min: 1024 * 1024 });
    const bus = new KafkaEventBus({
      maxMessageBytes,
      brokers: e.list('ACS_KAFKA_BROKERS', ['127.0.0.1:9092']),
      clientId: service,
      topics: Object.values(Topics).map((t) => topicPrefix + t),
      partitions: e.int('ACS_KAFKA_PARTITIONS', 12, { min: 1 }),
      replicationFactor: env.ACS_KAFKA_REPLICATION ? e.int('ACS_KAFKA_REPLICATION', 1, { min: 1 }) : undefined,
      logger: logger.child({ component: 'kafkajs' }),
    });
    await bus.start();
    adapters.eventBus = topicPrefix ? new PrefixedEventBus(bus, topicPrefix) : bus;
  } else {
    adapters.eventBus = new InProcessEventBus();
  }
  closers.push(() => adapters.eventBus!.close());

  return {
    sessionStore: adapters.sessionStore!,
    deviceQueue: adapters.deviceQueue!,
    eventBus: adapters.eventBus!,
    outbox: adapters.outbox!,
    authLockouts: adapters.authLockouts,
    describe: { sessions: storeKind, queue: storeKind, bus: busKind },
    ...(maxMessageBytes === undefined ? {} : { maxMessageBytes }),
    close: async () => {
      for (const close of closers.reverse()) await close();
    },
  };
}
