// An example consumer of the public events: prints how many devices are registered, as billing would count them.
// `ACS_KAFKA_BROKERS=127.0.0.1:9092 node dist/apps/example-billing-consumer/src/main.js`; see docs/events.md.
// Output: one JSON line `{ registeredDevices, eventsRead, at }` each time the count changes, at most one a second
// while events are read that do not change it (so a reader can tell the consumer has caught up), and a last one with
// `stopped: true` on SIGTERM/SIGINT.
import { RegisteredDevicesConsumer, RegisteredDevicesCounter } from './registered-devices.counter';

const DEFAULT_GROUP = 'billing-example';
const PROGRESS_EVERY_MS = 1_000;

async function main(): Promise<void> {
  const brokerList = process.env.ACS_KAFKA_BROKERS;
  if (!brokerList) throw new Error('ACS_KAFKA_BROKERS is not set (e.g. 127.0.0.1:9092)');
  const counter = new RegisteredDevicesCounter();
  let eventsReported = 0;
  const report = (extra: Record<string, unknown> = {}): void => {
    eventsReported = counter.eventsApplied;
    process.stdout.write(`${JSON.stringify({ registeredDevices: counter.count, eventsRead: counter.eventsApplied, at: new Date().toISOString(), ...extra })}\n`);
  };
  const consumer = new RegisteredDevicesConsumer({
    brokers: brokerList.split(',').map((b) => b.trim()),
    topicPrefix: process.env.ACS_KAFKA_TOPIC_PREFIX ?? '',
    group: process.env.BILLING_CONSUMER_GROUP || DEFAULT_GROUP,
    counter,
    onCount: () => report(),
    onWaitingForTopic: (topic) => process.stdout.write(`waiting for topic ${topic} (created with the ACS's first device event)\n`),
    onRestart: (error) => process.stdout.write(`consumer stopped (${error.message}); starting it again\n`),
  });
  const progress = setInterval(() => {
    if (counter.eventsApplied !== eventsReported) report();
  }, PROGRESS_EVERY_MS);
  progress.unref();
  const stop = (): void => {
    clearInterval(progress);
    consumer.stop().then(
      () => {
        report({ stopped: true });
        process.exit(0);
      },
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
