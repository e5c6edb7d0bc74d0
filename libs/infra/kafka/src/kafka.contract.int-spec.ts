import { Kafka, logLevel } from 'kafkajs';
import { describeEventBusContract, uniqueToken, waitFor } from '@acs/testing';
import { MessageTooLargeError, type BusMessage } from '@acs/platform';

import { CLOUDEVENTS_JSON, Headers, toCloudEvent } from './bus-message.codec';
import { KafkaEventBus, KafkaUnavailableError } from './kafka-event-bus';

// Runs the EventBus contract against a real Kafka: ACS_KAFKA_BROKERS, default 127.0.0.1:9092. A missing broker
// fails the run (skipping would prove nothing about the adapter).
const brokers = (process.env.ACS_KAFKA_BROKERS ?? '127.0.0.1:9092').split(',').map((b) => b.trim());
/** Every topic and group of this run starts with it, so runs never collide and cleanup finds exactly ours. */
const topicPrefix = `acs-test-${uniqueToken(4)}`;
const maxAttempts = 3;
const retryBaseMs = 50;

const kafka = new Kafka({ clientId: 'contract-test-raw', brokers, connectionTimeout: 2_000, logLevel: logLevel.NOTHING, retry: { retries: 1 } });
const admin = kafka.admin();

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

function testBus(): KafkaEventBus {
  return new KafkaEventBus({
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
}

describeEventBusContract(
  'kafka',
  async () => {
    const bus = testBus();
    return { adapter: bus, maxAttempts, retryBaseMs, cleanup: () => bus.close() };
  },
  { topicPrefix, testTimeoutMs: 30_000, deliveryTimeoutMs: 15_000, quietMs: 1_000 },
);

describe('Kafka event bus beyond the contract', () => {
  let bus: KafkaEventBus;
  const topic = (): string => `${topicPrefix}.x${uniqueToken(4)}`;
  const message = (t: string, key: string): BusMessage => ({
    id: `msg-${uniqueToken(8)}`,
    topic: t,
    key,
    type: 'contract.extra',
    time: new Date().toISOString(),
    data: { n: 1 },
  });

  beforeEach(() => {
    bus = testBus();
  });
  afterEach(async () => {
    await bus.close();
  });

  /** Reads a topic from the beginning with a plain kafkajs consumer, to see records as Kafka stores them. */
  async function readRaw(t: string, count: number): Promise<Array<{ key: string; value: string; headers: Record<string, string> }>> {
    const consumer = kafka.consumer({ groupId: `${topicPrefix}-raw-${uniqueToken(4)}`, maxWaitTimeInMs: 100 });
    const records: Array<{ key: string; value: string; headers: Record<string, string> }> = [];
    await consumer.connect();
    try {
      await consumer.subscribe({ topics: [t], fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message: m }) => {
          const headers = Object.fromEntries(Object.entries(m.headers ?? {}).map(([k, v]) => [k, String(v)]));
          records.push({ key: m.key?.toString() ?? '', value: m.value?.toString() ?? '', headers });
        },
      });
      await waitFor(`${count} records on ${t}`, () => records.length >= count, 15_000);
    } finally {
      await consumer.disconnect();
    }
    return records;
  }

  it('creates topics with the configured partitions and writes records keyed, with id and type headers', async () => {
    const t = topic();
    const sent = message(t, 'device-7');
    await bus.publish([sent]);
    const [metadata] = (await admin.fetchTopicMetadata({ topics: [t] })).topics;
    expect(metadata.partitions).toHaveLength(4);
    const [record] = await readRaw(t, 1);
    expect(record.key).toBe('device-7');
    expect(JSON.parse(record.value)).toEqual(toCloudEvent(sent));
    expect(record.headers).toMatchObject({ [Headers.contentType]: CLOUDEVENTS_JSON, [Headers.ceId]: sent.id, [Headers.id]: sent.id, [Headers.type]: sent.type });
  }, 30_000);

  it('carries a message of several MiB (a large parameter tree answered at once) to a subscriber, and refuses one over its limit before sending', async () => {
    const t = topic();
    const big = { ...message(t, 'device-big'), data: { values: Array.from({ length: 30_000 }, (_, i) => ({ path: `Device.X.${i}.Value`, value: `v${i}`.padEnd(160, 'x') })) } };
    const received: BusMessage[] = [];
    const subscription = await bus.subscribe(t, { group: `${topicPrefix}-big-${uniqueToken(4)}` }, async (m) => void received.push(m));
    try {
      await bus.publish([big]);
      await waitFor('the large message', () => received.length === 1, 20_000);
      expect(received[0]!.data).toEqual(big.data);
      const configs = await admin.describeConfigs({ resources: [{ type: 2, name: t, configNames: ['max.message.bytes'] }], includeSynonyms: false });
      expect(configs.resources[0]!.configEntries[0]!.configValue).toBe(String(16 * 1024 * 1024));
    } finally {
      await subscription.close();
    }
    const small = new KafkaEventBus({ brokers, clientId: 'contract-test-small', maxMessageBytes: 1024 * 1024, logLevel: 'error' });
    try {
      const refused = small.publish([big]);
      await expect(refused).rejects.toBeInstanceOf(MessageTooLargeError);
      await expect(refused).rejects.toMatchObject({ topic: t, limitBytes: 1024 * 1024 });
      // Refused on its own: the next publish goes through.
      await small.publish([message(t, 'device-small')]);
    } finally {
      await small.close();
    }
  }, 60_000);

  it('deletes an ephemeral group from the broker when its subscription closes, and keeps a durable one', async () => {
    const t = topic();
    const ephemeral = `${topicPrefix}-live-${uniqueToken(4)}`;
    const durable = `${topicPrefix}-kept-${uniqueToken(4)}`;
    const live = await bus.subscribe(t, { group: ephemeral, ephemeral: true }, async () => undefined);
    const kept = await bus.subscribe(t, { group: durable }, async () => undefined);
    const groups = async () => (await admin.listGroups()).groups.map((g) => g.groupId);
    expect(await groups()).toEqual(expect.arrayContaining([ephemeral, durable]));
    await live.close();
    await kept.close();
    await bus.close(); // waits for the deletion
    const after = await groups();
    expect(after).not.toContain(ephemeral);
    expect(after).toContain(durable);
    await admin.deleteGroups([durable]);
  }, 30_000);

  it('starts a group that rejoins before its first commit where it left off, not at the new end of the topic', async () => {
    // A broker restart makes every consumer rejoin; closing and subscribing again is the same join, made on demand.
    const t = topic();
    const group = `${topicPrefix}-back-${uniqueToken(4)}`;
    const first = await bus.subscribe(t, { group }, async () => undefined);
    await first.close();
    const meanwhile = message(t, 'device-10');
    await bus.publish([meanwhile]);
    const received: string[] = [];
    const again = testBus();
    try {
      await again.subscribe(t, { group }, async (m) => void received.push(m.id));
      await waitFor('the message published while the group was away', () => received.includes(meanwhile.id), 15_000);
    } finally {
      await again.close();
      await admin.deleteGroups([group]);
    }
  }, 30_000);

  it('puts the error, the attempts and the source position of a dead letter in its headers', async () => {
    const t = topic();
    const poison = message(t, 'device-8');
    let attempts = 0;
    await bus.subscribe(t, { group: `${topicPrefix}-g-${uniqueToken(4)}` }, async () => {
      attempts++;
      throw new Error('handler refuses');
    });
    await bus.publish([poison]);
    const [record] = await readRaw(`${t}.dlq`, 1);
    expect(attempts).toBe(maxAttempts);
    expect(record.key).toBe('device-8');
    expect(record.headers[Headers.dlqError]).toContain('handler refuses');
    expect(record.headers[Headers.dlqAttempts]).toBe(String(maxAttempts));
    expect(record.headers[Headers.dlqSource]).toMatch(new RegExp(`^${t.replace(/\./g, '\\.')}/\\d+/0$`));
  }, 30_000);

  it('dead-letters a record that is not a bus message without calling the handler, and moves on', async () => {
    const t = topic();
    const handled: string[] = [];
    await bus.subscribe(t, { group: `${topicPrefix}-g-${uniqueToken(4)}` }, async (m) => void handled.push(m.id));
    const producer = kafka.producer();
    await producer.connect();
    try {
      await producer.send({ topic: t, acks: -1, messages: [{ key: 'device-9', value: 'not json' }] });
    } finally {
      await producer.disconnect();
    }
    const good = message(t, 'device-9');
    await bus.publish([good]);
    await waitFor('the good message', () => handled.includes(good.id), 15_000);
    expect(handled).toEqual([good.id]);
    const [record] = await readRaw(`${t}.dlq`, 1);
    expect(JSON.parse(record.value)).toMatchObject({ type: 'undecodable', subject: 'device-9', data: { raw: 'not json' } });
  }, 30_000);

  it('fails ping fast when no broker answers', async () => {
    const lonely = new KafkaEventBus({ brokers: ['127.0.0.1:1'], clientId: 'contract-test-nowhere', pingTimeoutMs: 500, retries: 0, logLevel: 'nothing' });
    try {
      await expect(lonely.ping()).rejects.toBeInstanceOf(KafkaUnavailableError);
    } finally {
      await lonely.close();
    }
  }, 10_000);
});
