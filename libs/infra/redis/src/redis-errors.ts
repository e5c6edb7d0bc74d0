import { RedisUnavailableError } from './redis-client';

/**
 * Runs one Redis call and turns connection failures (offline, closed, retries exhausted, timeouts) into
 * RedisUnavailableError, so callers can answer "unavailable" without knowing ioredis. Errors the server replied
 * with (a script bug, a wrong type) are not outages and pass through unchanged.
 */
export async function guardRedis<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof Error && error.name === 'ReplyError') throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new RedisUnavailableError(`Redis unavailable: ${reason}`, { cause: error });
  }
}
