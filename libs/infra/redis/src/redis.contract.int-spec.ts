import { once } from 'node:events';

import type Redis from 'ioredis';
import { describeAuthLockoutStoreContract, describeDeviceQueueContract, describeEventOutboxContract, describeSessionStoreContract, sampleSession, sampleWorkItem, uniqueToken } from '@acs/testing';

import { createRedisClient, RedisUnavailableError, waitForRedis } from './redis-client';
import { RedisAuthLockoutStore } from './redis-auth-lockout-store';
import { RedisDeviceQueue } from './redis-device-queue';
import { RedisEventOutbox } from './redis-event-outbox';
import { RedisSessionStore, SessionIdMismatchError } from './redis-session-store';

// Runs the port contracts against a real Redis: ACS_REDIS_URL, default redis://127.0.0.1:6379. A missing server
// fails the run (these tests exist to prove the adapter against a server, skipping would prove nothing).
const url = process.env.ACS_REDIS_URL ?? 'redis://127.0.0.1:6379';
/** Every key of this run starts with it, so runs never collide and cleanup finds exactly ours. */
const keyPrefix = `acs-test-${uniqueToken(4)}`;

/** Set after the first failed connect, so every later test fails at once instead of waiting again. */
let unreachable: Error | null = null;

async function connect(): Promise<Redis> {
  if (unreachable) throw unreachable;
  const client = createRedisClient(url, { connectionName: 'contract-test', disconnectTimeoutMs: 100 });
  try {
    await waitForRedis(client, url, 2_000);
  } catch {
    client.disconnect();
    unreachable = new Error(`Redis not reachable at ${url} — run \`npm run infra:up\` (or set ACS_REDIS_URL)`);
    throw unreachable;
  }
  return client;
}

async function deleteRunKeys(client: Redis): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${keyPrefix}:*`, 'COUNT', 500);
    if (keys.length > 0) await client.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}

describeSessionStoreContract('redis', async () => {
  const client = await connect();
  return {
    adapter: new RedisSessionStore(client, { keyPrefix }),
    cleanup: async () => {
      await deleteRunKeys(client);
      await client.quit();
    },
  };
});

describeDeviceQueueContract('redis', async () => {
  const client = await connect();
  return {
    adapter: new RedisDeviceQueue(client, { keyPrefix }),
    cleanup: async () => {
      await deleteRunKeys(client);
      await client.quit();
    },
  };
});

describeEventOutboxContract('redis', async () => {
  const client = await connect();
  return {
    adapter: { queue: new RedisDeviceQueue(client, { keyPrefix }), outbox: new RedisEventOutbox(client, { keyPrefix }) },
    cleanup: async () => {
      await deleteRunKeys(client);
      await client.quit();
    },
  };
});

describeAuthLockoutStoreContract('redis', async () => {
  const client = await connect();
  return {
    adapter: new RedisAuthLockoutStore(client, { keyPrefix }),
    cleanup: async () => {
      await deleteRunKeys(client);
      await client.quit();
    },
  };
});

describe('Redis adapters beyond the contract', () => {
  let client: Redis;

  beforeEach(async () => {
    client = await connect();
  });
  afterEach(async () => {
    try {
      await deleteRunKeys(client);
    } finally {
      client.disconnect();
    }
  });

  async function runKeys(): Promise<string[]> {
    const [, keys] = await client.scan('0', 'MATCH', `${keyPrefix}:*`, 'COUNT', 10_000);
    return keys;
  }

  it('puts a TTL on every key it writes', async () => {
    const store = new RedisSessionStore(client, { keyPrefix });
    const queue = new RedisDeviceQueue(client, { keyPrefix, queueTtlMs: 60_000 });
    const device = `ttl-${uniqueToken()}`;
    const record = sampleSession(device);
    await store.open(record, 30_000, 5_000);
    await store.update({ ...record, revision: 1 }, 30_000);
    await store.markPlanned(device, record.id, 30_000);
    await store.bindAddress(`198.51.100.7:${device}`, record.id, 30_000);
    await queue.enqueue(sampleWorkItem(device));
    const keys = await runKeys();
    expect(keys).toHaveLength(5);
    for (const key of keys) expect(await client.pttl(key)).toBeGreaterThan(0);
  });

  it('puts a TTL on every key a brute force writes', async () => {
    const lockouts = new RedisAuthLockoutStore(client, { keyPrefix });
    const policy = { threshold: 2, windowMs: 60_000, baseLockoutMs: 60_000, maxLockoutMs: 600_000 };
    const device = `lock-${uniqueToken()}`;
    const now = Date.now();
    for (const key of [{ scope: 'device', deviceId: device }, { scope: 'device', deviceId: device, source: '192.0.2.9' }, { scope: 'source', source: '192.0.2.9' }] as const) {
      await lockouts.recordFailure(key, now, policy);
      await lockouts.recordFailure(key, now, policy);
    }
    await lockouts.rememberSource(device, '192.0.2.10', now, { ttlMs: 60_000, maxPerDevice: 4 });
    const keys = await runKeys();
    // Three failure records, the device's source set, and the gauge index of each scope.
    expect(keys).toHaveLength(6);
    for (const key of keys) expect(await client.pttl(key)).toBeGreaterThan(0);
  });

  it("refreshes a queue's TTL on every enqueue", async () => {
    const queue = new RedisDeviceQueue(client, { keyPrefix, queueTtlMs: 60_000 });
    const device = `qttl-${uniqueToken()}`;
    await queue.enqueue(sampleWorkItem(device));
    const [key] = await runKeys();
    await client.pexpire(key, 1_000);
    await queue.enqueue(sampleWorkItem(device));
    expect(await client.pttl(key)).toBeGreaterThan(30_000);
  });

  it('refuses to open a session whose id was not made for its device', async () => {
    const store = new RedisSessionStore(client, { keyPrefix });
    const record = { ...sampleSession(`dev-${uniqueToken()}`), id: 'random-id-without-device' };
    await expect(store.open(record, 30_000, 5_000)).rejects.toBeInstanceOf(SessionIdMismatchError);
    const foreign = { ...sampleSession(`dev-${uniqueToken()}`), id: sampleSession('another-device').id };
    await expect(store.open(foreign, 30_000, 5_000)).rejects.toBeInstanceOf(SessionIdMismatchError);
  });

  it('fails fast with RedisUnavailableError while disconnected, and works again after reconnecting', async () => {
    const store = new RedisSessionStore(client, { keyPrefix });
    const queue = new RedisDeviceQueue(client, { keyPrefix });
    const reconnected = once(client, 'ready');
    client.disconnect(true); // drop the connection; ioredis reconnects by itself
    await expect(store.ping()).rejects.toBeInstanceOf(RedisUnavailableError);
    await expect(store.get(sampleSession('down').id)).rejects.toBeInstanceOf(RedisUnavailableError);
    await expect(queue.lease('down')).rejects.toBeInstanceOf(RedisUnavailableError);
    await reconnected;
    await expect(store.ping()).resolves.toBeUndefined();
  });

  it('fails fast against a server that is not there', async () => {
    const nowhere = createRedisClient('redis://127.0.0.1:1', { connectTimeoutMs: 200, disconnectTimeoutMs: 100 });
    try {
      const store = new RedisSessionStore(nowhere, { keyPrefix });
      await expect(store.ping()).rejects.toBeInstanceOf(RedisUnavailableError);
      await expect(waitForRedis(nowhere, 'redis://127.0.0.1:1', 300)).rejects.toThrow('Redis not reachable at redis://127.0.0.1:1');
    } finally {
      nowhere.disconnect();
    }
  });
});
