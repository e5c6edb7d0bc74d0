import { Kafka, logLevel } from 'kafkajs';
import { KafkaEventBus } from '@acs/infra-kafka';
import { newEvent, type AcsDeviceEventType } from '@acs/contracts';
import { PrefixedEventBus } from '@acs/platform';
import { uniqueToken, waitFor } from '@acs/testing';

import { RegisteredDevicesConsumer, RegisteredDevicesCounter } from './registered-devices.counter';

// Publishes through the ACS's own Kafka adapter and counts with the example consumer, against a real broker
// (ACS_KAFKA_BROKERS, default 127.0.0.1:9092). A missing broker fails the run. The whole chain "simulated devices
// register → provisioning publishes → count" is left to an e2e test.
const brokers = (process.env.ACS_KAFKA_BROKERS ?? '127.0.0.1:9092').split(',').map((b) => b.trim());
const topicPrefix = `billing-test-${uniqueToken(4)}.`;

const admin = new Kafka({ clientId: 'billing-test-admin', brokers, connectionTimeout: 2_000, logLevel: logLevel.NOTHING, retry: { retries: 1 } }).admin();

beforeAll(async () => {
  try {
    await admin.connect();
    await admin.describeCluster();
  } catch {
    throw new Error(`Kafka not reachable at ${brokers.join(',')} — run \`npm run infra:test\` (or set ACS_KAFKA_BROKERS)`);
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

function deviceEvent(deviceId: string, type: AcsDeviceEventType) {
  const [oui, productClass, serialNumber] = deviceId.split('-');
  return newEvent(type, deviceId, { deviceId, oui, productClass, serialNumber, eventCodes: ['0 BOOTSTRAP', '1 BOOT'] });
}

describe('registered devices counter on real Kafka', () => {
  it('counts distinct registered devices despite duplicate events and re-registrations, minus the deleted', async () => {
    const devices = Array.from({ length: 6 }, (_, i) => `00D09E-Box-SN${i}`);
    const registered = devices.map((d) => deviceEvent(d, 'acs.device.registered'));
    const events = [
      ...registered,
      registered[0], // redelivered: same event id
      deviceEvent(devices[1], 'acs.device.registered'), // the same device registered again, a new event id
      deviceEvent(devices[2], 'acs.device.booted'),
      deviceEvent(devices[3], 'acs.device.deleted'),
    ];
    const expected = devices.length - 1;

    const kafkaBus = new KafkaEventBus({ brokers, clientId: 'billing-test', partitions: 3, logLevel: 'error' });
    const bus = new PrefixedEventBus(kafkaBus, topicPrefix);
    const counter = new RegisteredDevicesCounter();
    const counts: number[] = [];
    const consumer = new RegisteredDevicesConsumer({ brokers, topicPrefix, group: `${topicPrefix}billing-example`, counter, onCount: (n) => counts.push(n) });
    try {
      await bus.publish(events);
      await consumer.start();
      await waitFor(`${events.length} events read`, () => counter.eventsApplied >= events.length, 20_000);
      expect(counter.eventsApplied).toBe(events.length);
      expect(counter.count).toBe(expected);
      expect(counts.at(-1)).toBe(expected);
    } finally {
      await consumer.stop();
      await bus.close();
    }
  }, 40_000);

  it('waits for the topic when started before the ACS has created it', async () => {
    const prefix = `${topicPrefix}late-`;
    const counter = new RegisteredDevicesCounter();
    let waited = '';
    const consumer = new RegisteredDevicesConsumer({
      brokers,
      topicPrefix: prefix,
      group: `${prefix}billing-example`,
      counter,
      onCount: () => undefined,
      onWaitingForTopic: (topic) => (waited = topic),
      topicPollMs: 200,
    });
    const kafkaBus = new KafkaEventBus({ brokers, clientId: 'billing-test-late', partitions: 3, logLevel: 'error' });
    const bus = new PrefixedEventBus(kafkaBus, prefix);
    try {
      const started = consumer.start();
      await waitFor('the consumer to say it waits', () => waited !== '', 10_000);
      expect(waited).toBe(`${prefix}acs.device`);
      await bus.publish([deviceEvent('00D09E-Box-LATE1', 'acs.device.registered')]);
      await started;
      await waitFor('the event counted', () => counter.count === 1, 20_000);
    } finally {
      await consumer.stop();
      await bus.close();
    }
  }, 40_000);
});
