// An example consumer of the public events: prints how many devices are registered, as billing would count them.
// `ACS_KAFKA_BROKERS=127.0.0.1:9092 node dist/apps/example-billing-consumer/src/main.js`; see docs/events.md.
import { RegisteredDevicesConsumer, RegisteredDevicesCounter } from './registered-devices.counter';

const GROUP = 'billing-example';

async function main(): Promise<void> {
  const brokerList = process.env.ACS_KAFKA_BROKERS;
  if (!brokerList) throw new Error('ACS_KAFKA_BROKERS is not set (e.g. 127.0.0.1:9092)');
  const consumer = new RegisteredDevicesConsumer({
    brokers: brokerList.split(',').map((b) => b.trim()),
    topicPrefix: process.env.ACS_KAFKA_TOPIC_PREFIX ?? '',
    group: GROUP,
    counter: new RegisteredDevicesCounter(),
    onCount: (count) => process.stdout.write(`${JSON.stringify({ registeredDevices: count, at: new Date().toISOString() })}\n`),
  });
  const stop = (): void => {
    consumer.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  await consumer.start();
  process.stdout.write(`counting registered devices on ${consumer.topic}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
