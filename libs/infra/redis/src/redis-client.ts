import Redis, { type RedisOptions } from 'ioredis';
import { UnavailableError } from '@acs/platform';

export interface RedisClientOptions {
  /** Shown in CLIENT LIST, to tell pods apart. */
  connectionName?: string;
  /** Give up connecting (and fail the pending connect) after this long. */
  connectTimeoutMs?: number;
  /** Ceiling of the reconnect back-off. */
  maxReconnectDelayMs?: number;
  /**
   * Retries of one command across reconnects. Small on purpose: during an outage a call must fail fast so the
   * gateway answers 503 and the CPE backs off, instead of the request hanging on a queue.
   */
  maxRetriesPerRequest?: number;
  /** How long `disconnect()` waits for the socket to close before destroying it. Default 2 s (ioredis's). */
  disconnectTimeoutMs?: number;
  /** Connection errors; ioredis reconnects by itself, this is for logs and metrics. */
  onError?: (error: Error) => void;
}

/** Thrown when Redis cannot be reached in time; the caller maps it to "unavailable" (HTTP 503). */
export class RedisUnavailableError extends UnavailableError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('redis', message, options);
    this.name = 'RedisUnavailableError';
  }
}

/**
 * A Redis client that fails fast while the server is away and reconnects in the background with capped
 * exponential back-off. Commands issued while disconnected reject at once (no offline queue).
 */
export function createRedisClient(url: string, options: RedisClientOptions = {}): Redis {
  const maxDelay = options.maxReconnectDelayMs ?? 2_000;
  const redisOptions: RedisOptions = {
    connectionName: options.connectionName,
    connectTimeout: options.connectTimeoutMs ?? 2_000,
    disconnectTimeout: options.disconnectTimeoutMs ?? 2_000,
    maxRetriesPerRequest: options.maxRetriesPerRequest ?? 1,
    enableOfflineQueue: false,
    enableReadyCheck: true,
    // Never stop reconnecting: the outage ends some day, and the pod should not need a restart for it.
    retryStrategy: (attempt) => Math.min(50 * 2 ** Math.min(attempt, 10), maxDelay),
  };
  const client = new Redis(url, redisOptions);
  // Without a listener ioredis prints every connection error to stderr.
  client.on('error', (error: Error) => options.onError?.(error));
  return client;
}

/** Resolves when the client is connected and ready; rejects with RedisUnavailableError after `timeoutMs`. */
export async function waitForRedis(client: Redis, url: string, timeoutMs = 3_000): Promise<void> {
  if (client.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const onReady = (): void => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      client.off('ready', onReady);
      reject(new RedisUnavailableError(`Redis not reachable at ${redactUrl(url)} within ${timeoutMs} ms`));
    }, timeoutMs);
    client.once('ready', onReady);
  });
}

/** The URL without its password, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '<unparseable redis url>';
  }
}
