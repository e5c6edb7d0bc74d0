'use strict';
// End-to-end check of the running local infrastructure with the clients the services use: kafkajs (create a topic,
// produce with an idempotent producer, consume in a group), ioredis (SET/GET with a TTL, a Lua script) and mongoose
// (insert, find, declared indexes). Cleans up after itself.
// Usage: node deploy/local/infra-smoke.js   (reads ACS_KAFKA_BROKERS, ACS_REDIS_URL, ACS_MONGO_URL; loopback defaults)
const { Kafka, logLevel } = require('kafkajs');
const Redis = require('ioredis');
const mongoose = require('mongoose');

const brokers = (process.env.ACS_KAFKA_BROKERS || '127.0.0.1:9092').split(',');
const redisUrl = process.env.ACS_REDIS_URL || 'redis://127.0.0.1:6379';
const mongoUrl = process.env.ACS_MONGO_URL || 'mongodb://127.0.0.1:27017/acs';
const runId = `${Date.now()}-${process.pid}`;

function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms}ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function checkKafka() {
  const kafka = new Kafka({ clientId: 'acs-infra-smoke', brokers, logLevel: logLevel.ERROR });
  const topic = `acs-infra-smoke-${runId}`;
  const admin = kafka.admin();
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  const consumer = kafka.consumer({ groupId: `acs-infra-smoke-${runId}` });
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true });
    await producer.connect();
    await producer.send({ topic, acks: -1, messages: [{ key: 'device-1', value: `hello ${runId}` }] });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const received = await withTimeout(
      new Promise((resolve, reject) => {
        consumer.run({ eachMessage: async ({ message }) => resolve(message.value.toString()) }).catch(reject);
      }),
      30000,
      'kafka consume',
    );
    if (received !== `hello ${runId}`) throw new Error(`consumed '${received}'`);
    return `topic created, 1 message produced (idempotent, acks=all) and consumed in a group`;
  } finally {
    await consumer.disconnect().catch(() => undefined);
    await producer.disconnect().catch(() => undefined);
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
  }
}

async function checkRedis() {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  try {
    const key = `acs-infra-smoke:{${runId}}`;
    await redis.set(key, 'value', 'PX', 10000);
    const value = await redis.get(key);
    if (value !== 'value') throw new Error(`GET returned ${value}`);
    const deleted = await redis.eval("return redis.call('DEL', KEYS[1])", 1, key);
    if (deleted !== 1) throw new Error(`Lua DEL returned ${deleted}`);
    return 'SET/GET with TTL and a Lua script';
  } finally {
    redis.disconnect();
  }
}

async function checkMongo() {
  const connection = await mongoose.createConnection(mongoUrl, { serverSelectionTimeoutMS: 5000 }).asPromise();
  try {
    const schema = new mongoose.Schema({ deviceId: { type: String, required: true }, seenAt: Date, tags: [String] });
    schema.index({ deviceId: 1 }, { unique: true });
    schema.index({ seenAt: -1, deviceId: 1 });
    const Device = connection.model('SmokeDevice', schema, `infra_smoke_${runId.replace('-', '_')}`);
    await Device.init();
    await Device.create({ deviceId: 'dev-1', seenAt: new Date(), tags: ['a'] });
    const found = await Device.findOne({ deviceId: 'dev-1' }).lean();
    if (!found || found.tags[0] !== 'a') throw new Error('document not found after insert');
    const indexes = await Device.listIndexes();
    if (indexes.length < 3) throw new Error(`expected 3 indexes, got ${indexes.map((i) => i.name).join(',')}`);
    await Device.collection.drop();
    return `insert, find and ${indexes.length} indexes (unique + compound)`;
  } finally {
    await connection.close();
  }
}

async function main() {
  let failed = 0;
  for (const [name, check] of [
    ['kafka', checkKafka],
    ['redis', checkRedis],
    ['mongo', checkMongo],
  ]) {
    const started = Date.now();
    try {
      const detail = await check();
      process.stdout.write(`ok   ${name}: ${detail} (${Date.now() - started}ms)\n`);
    } catch (error) {
      failed += 1;
      process.stdout.write(`FAIL ${name}: ${error && error.message}\n`);
    }
  }
  process.stdout.write(`smoke: ${3 - failed} passed, ${failed} failed\n`);
  return failed === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`${error && error.stack}\n`);
    process.exit(1);
  },
);
