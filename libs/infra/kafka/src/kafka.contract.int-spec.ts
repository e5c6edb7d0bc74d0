import { Kafka, logLevel } from 'kafkajs';
// The contract suites live in @acs/testing; adapters may not depend on it in product code, but their contract runs
// must. Proposed: an eslint override letting *.int-spec.ts of type:adapter depend on type:testing.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { describeEventBusContract, uniqueToken } from '@acs/testing';

import { KafkaEventBus } from './kafka-event-bus';

// Runs the EventBus contract against a real Kafka: ACS_KAFKA_BROKERS, default 127.0.0.1:9092. A missing broker
// fails the run (skipping would prove nothing about the adapter).
const brokers = (process.env.ACS_KAFKA_BROKERS ?? '127.0.0.1:9092').split(',').map((b) => b.trim());
/** Every topic and group of this run starts with it, so runs never collide and cleanup finds exactly ours. */
const topicPrefix = `acs-test-${uniqueToken(4)}`;
const maxAttempts = 3;
const retryBaseMs = 50;

const admin = new Kafka({ clientId: 'contract-test-admin', brokers, connectionTimeout: 2_000, logLevel: logLevel.NOTHING, retry: { retries: 1 } }).admin();

beforeAll(async () => {
  try {
    await admin.connect();
    await admin.describeCluster();
  } catch {
    throw new Error(`Kafka not reachable at ${brokers.join(',')} — run \`npm run infra:up\` (or set ACS_KAFKA_BROKERS)`);
  }
}, 15_000);

afterAll(async () => {
  try {
    const ours = (await admin.listTopics()).filter((topic) => topic.startsWith(topicPrefix));
    if (ours.length > 0) await admin.deleteTopics({ topics: ours });
  } finally {
    await admin.disconnect();
  }
}, 30_000);

describeEventBusContract(
  'kafka',
  async () => {
    const bus = new KafkaEventBus({
      brokers,
      clientId: 'contract-test',
      partitions: 4,
      maxAttempts,
      retryBaseMs,
      sessionTimeoutMs: 10_000,
      heartbeatIntervalMs: 500,
      fetchMaxWaitMs: 100,
      joinTimeoutMs: 15_000,
      logLevel: 'error',
    });
    return { adapter: bus, maxAttempts, retryBaseMs, cleanup: () => bus.close() };
  },
  { topicPrefix, testTimeoutMs: 30_000, deliveryTimeoutMs: 15_000, quietMs: 1_000 },
);
