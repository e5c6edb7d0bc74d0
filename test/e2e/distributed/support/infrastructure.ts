import { randomBytes } from 'node:crypto';
import { createRedisClient, RedisUnavailableError, waitForRedis } from '@acs/infra-redis';
import { Kafka, logLevel } from 'kafkajs';

/** The shared test servers `npm run infra:test` starts (or what ACS_REDIS_URL / ACS_KAFKA_BROKERS point at). */
export const sharedRedisUrl = process.env.ACS_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const kafkaBrokers = (process.env.ACS_KAFKA_BROKERS ?? '127.0.0.1:9092').split(',').map((b) => b.trim());

const HOW_TO_START = 'run `npm run infra:test` (it starts Kafka on 127.0.0.1:9092 and Redis on 127.0.0.1:6379)';

/** A short random token: device serials and consumer groups of one run start with it, so runs never see each other. */
export function runToken(): string {
  return randomBytes(3).toString('hex').toUpperCase();
}

/**
 * Fails (never skips) when a server the suite needs is not there, with the command that starts it: these suites
 * exist to prove the distributed mode works, and a skipped run proves nothing.
 */
export async function requireInfrastructure(needs: { redis?: boolean; kafka?: boolean }): Promise<void> {
  const problems: string[] = [];
  if (needs.redis) {
    const client = createRedisClient(sharedRedisUrl, { connectTimeoutMs: 1_500 });
    try {
      await waitForRedis(client, sharedRedisUrl, 2_000);
      await client.ping();
    } catch (error) {
      // waitForRedis's own message already names the server.
      problems.push(error instanceof RedisUnavailableError ? error.message : `Redis is not reachable at ${sharedRedisUrl} (${errorText(error)})`);
    } finally {
      client.disconnect();
    }
  }
  if (needs.kafka) {
    const admin = new Kafka({ clientId: 'e2e-infra-check', brokers: kafkaBrokers, connectionTimeout: 1_500, retry: { retries: 1 }, logLevel: logLevel.NOTHING }).admin();
    try {
      await admin.connect();
      await admin.describeCluster();
    } catch (error) {
      problems.push(`Kafka is not reachable at ${kafkaBrokers.join(',')} (${errorText(error)})`);
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }
  if (problems.length > 0) throw new Error(`${problems.join('; ')}: ${HOW_TO_START}`);
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
