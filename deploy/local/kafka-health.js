'use strict';
// Health probe for the local Kafka broker: an open port is not enough (the broker accepts connections before the
// KRaft controller has elected itself), so this waits until a metadata request answers.
// Usage: node kafka-health.js <host:port> [timeoutMs]
const { Kafka, logLevel } = require('kafkajs');

const broker = process.argv[2] || '127.0.0.1:9092';
const timeoutMs = Number(process.argv[3] || 60000);

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

async function main() {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  while (Date.now() < deadline) {
    try {
      const info = await probeOnce();
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
