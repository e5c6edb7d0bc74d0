import type Redis from 'ioredis';
// The contract suites live in @acs/testing; adapters may not depend on it in product code, but their contract runs
// must. Proposed: an eslint override letting *.int-spec.ts of type:adapter depend on type:testing.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { describeDeviceQueueContract, describeSessionStoreContract, uniqueToken } from '@acs/testing';

import { createRedisClient, waitForRedis } from './redis-client';
import { RedisDeviceQueue } from './redis-device-queue';
import { RedisSessionStore } from './redis-session-store';

// Runs the port contracts against a real Redis: ACS_REDIS_URL, default redis://127.0.0.1:6379. A missing server
// fails the run (these tests exist to prove the adapter against a server, skipping would prove nothing).
const url = process.env.ACS_REDIS_URL ?? 'redis://127.0.0.1:6379';
/** Every key of this run starts with it, so runs never collide and cleanup finds exactly ours. */
const keyPrefix = `acs-test-${uniqueToken(4)}`;

async function connect(): Promise<Redis> {
  const client = createRedisClient(url, { connectionName: 'contract-test' });
  try {
    await waitForRedis(client, url, 2_000);
  } catch {
    client.disconnect();
    throw new Error(`Redis not reachable at ${url} — run \`npm run infra:up\` (or set ACS_REDIS_URL)`);
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
