'use strict';
// Health probe for the local Kafka broker: an open port is not enough (the broker accepts connections before the
// KRaft controller has elected itself), so this waits until a metadata request answers.
// With --warm (used right after a start) it also makes the broker create its internal topics (__consumer_offsets,
// __transaction_state), so the first consumer group or idempotent producer of a test does not stall on
// "coordinator is loading" retries.
// Usage: node kafka-health.js <host:port> [timeoutMs] [--warm]
const { Kafka, logLevel } = require('kafkajs');

const broker = process.argv[2] || '127.0.0.1:9092';
const timeoutMs = Number(process.argv[3] || 60000);
const warm = process.argv.includes('--warm');

async function probeOnce() {
  const kafka = new Kafka({
    clientId: 'acs-infra-health',
    brokers: [broker],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 2000,
    requestTimeout: 5000,
    retry: { retries: 0 },
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    const topics = await admin.listTopics();
    const cluster = await admin.describeCluster();
    return { topics: topics.length, controller: cluster.controller, brokers: cluster.brokers.length };
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

async function warmCoordinators(deadline) {
  const kafka = new Kafka({ clientId: 'acs-infra-warmup', brokers: [broker], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  try {
    await admin.connect();
    while (Date.now() < deadline) {
      try {
        // Describing a group asks for its coordinator, which creates __consumer_offsets and waits for it to load.
        await admin.describeGroups(['acs-infra-warmup']);
        break;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 300));
      }
    }
    // An idempotent producer's InitProducerId goes through the transaction coordinator (__transaction_state).
    await producer.connect();
  } finally {
    await producer.disconnect().catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
  }
}

async function main() {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  while (Date.now() < deadline) {
    try {
      const info = await probeOnce();
      if (warm) await warmCoordinators(deadline);
      process.stdout.write(
        `kafka ${broker} healthy: ${info.brokers} broker(s), controller ${info.controller}, ${info.topics} topic(s)\n`,
      );
      return 0;
    } catch (error) {
      lastError = error;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  process.stderr.write(`kafka ${broker} not healthy after ${timeoutMs}ms: ${lastError && lastError.message}\n`);
  return 1;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`kafka health probe crashed: ${error && error.stack}\n`);
    process.exit(1);
  },
);
