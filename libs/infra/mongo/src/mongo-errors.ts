import mongoose from 'mongoose';
import { UnavailableError } from '@acs/platform';

/** MongoDB cannot be reached (no server selected in time, network dropped, connection closed). */
export class MongoUnavailableError extends UnavailableError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('mongo', message, options);
    this.name = 'MongoUnavailableError';
  }
}

const { MongoNetworkError, MongoNotConnectedError, MongoServerSelectionError, MongoTopologyClosedError } = mongoose.mongo;

/**
 * True for errors that mean "the server is away", as opposed to errors the server answered with (duplicate key,
 * bad query), which are bugs or refused requests and must not be retried as outages.
 */
export function isMongoOutage(error: unknown): boolean {
  return (
    error instanceof MongoNetworkError ||
    error instanceof MongoServerSelectionError ||
    error instanceof MongoNotConnectedError ||
    error instanceof MongoTopologyClosedError ||
    error instanceof mongoose.Error.MongooseServerSelectionError
  );
}

/** The server refused a write because a unique index (often `_id`) already holds its key: E11000. */
export function isMongoDuplicateKey(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 11000;
}

/**
 * Runs one Mongo call and turns outages into MongoUnavailableError, so a repository's callers can stop committing
 * Kafka offsets (or answer "unavailable") without knowing the driver. Other errors pass through unchanged.
 */
export async function guardMongo<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (!isMongoOutage(error)) throw error;
    throw new MongoUnavailableError(`MongoDB unavailable: ${(error as Error).message}`, { cause: error });
  }
}
