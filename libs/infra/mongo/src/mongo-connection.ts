import mongoose, { type Connection } from 'mongoose';
import type { HealthCheck } from '@acs/platform';

import { redactMongoUrl, type MongoConfig } from './mongo-config';
import { guardMongo, isMongoOutage, MongoUnavailableError } from './mongo-errors';

/** What answered on the other end; FerretDB differs from MongoDB in ways the index builder must know about. */
export interface MongoServerInfo {
  /** MongoDB version the server reports (FerretDB reports the version it emulates). */
  version: string;
  /** FerretDB's own version when the server is FerretDB. */
  ferretdb?: string;
}

export interface MongoConnectionOptions {
  /** Driver state changes after the first connect (for logs and metrics); the driver reconnects by itself. */
  onStateChange?: (state: 'disconnected' | 'reconnected' | 'error', detail?: Error) => void;
}

/**
 * The process's one connection to MongoDB, shared by every service module in it. Built on
 * `mongoose.createConnection` rather than mongoose's global default connection, so the models a service registers
 * live on an object that the app creates, passes around and closes, and tests can open several side by side.
 */
export class MongoConnection {
  /** Which service owns which collection on this connection; two services may never share one. */
  private readonly owners = new Map<string, string>();
  /** The registry that declared each service, so one service name is never used by two registries. */
  private readonly services = new Map<string, object>();

  private constructor(
    /** The mongoose connection: services register their models here (through ServiceCollections). */
    readonly connection: Connection,
    readonly server: MongoServerInfo,
    /** The URL with its password masked. */
    readonly displayUrl: string,
  ) {}

  /**
   * Connects and waits until a server answers. Fails with MongoUnavailableError (naming the URL, password masked)
   * once `serverSelectionTimeoutMs` has passed without one.
   */
  static async open(config: MongoConfig, options: MongoConnectionOptions = {}): Promise<MongoConnection> {
    const displayUrl = redactMongoUrl(config.url);
    const connection = mongoose.createConnection(config.url, {
      autoIndex: config.autoIndex,
      autoCreate: config.autoCreate,
      serverSelectionTimeoutMS: config.serverSelectionTimeoutMs,
      connectTimeoutMS: config.serverSelectionTimeoutMs,
      // Without this, a model call made while the server is away waits in mongoose's buffer (10 s by default)
      // instead of failing after server selection: a consumer must learn of the outage and stop committing.
      bufferCommands: false,
      ...(config.dbName === undefined ? {} : { dbName: config.dbName }),
      ...(config.appName === undefined ? {} : { appName: config.appName }),
    });
    // Without a listener, an 'error' after connect would be an unhandled event and crash the process.
    connection.on('error', (error: Error) => options.onStateChange?.('error', error));
    try {
      await connection.asPromise();
    } catch (error) {
      await connection.close(true).catch(() => undefined);
      if (!isMongoOutage(error)) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      throw new MongoUnavailableError(
        `MongoDB not reachable at ${displayUrl} within ${config.serverSelectionTimeoutMs} ms: ${reason}`,
        { cause: error },
      );
    }
    connection.on('disconnected', () => options.onStateChange?.('disconnected'));
    connection.on('reconnected', () => options.onStateChange?.('reconnected'));
    const server = await guardMongo(() => readServerInfo(connection));
    return new MongoConnection(connection, server, displayUrl);
  }

  /** The database this connection works in. */
  get databaseName(): string {
    return this.connection.name;
  }

  /** Round trip to the server; rejects with MongoUnavailableError when it does not answer. */
  async ping(): Promise<void> {
    const db = this.connection.db;
    if (!db) throw new MongoUnavailableError(`MongoDB connection to ${this.displayUrl} is closed`);
    await guardMongo(() => db.command({ ping: 1 }));
  }

  /** A readiness check for the process's HealthRegistry. */
  healthCheck(name = 'mongo'): HealthCheck {
    return { name, check: () => this.ping() };
  }

  /** Closes the connection; in-flight operations fail. Safe to call twice. */
  async close(): Promise<void> {
    await this.connection.close();
  }

  /**
   * Records that `service` (declared by `registry`) owns `collections` on this connection. Throws, recording
   * nothing, when another service already owns one of them or another registry already uses the service's name.
   * Called by ServiceCollections when it attaches its models.
   */
  claimCollections(registry: object, service: string, collections: readonly string[]): void {
    const registered = this.services.get(service);
    if (registered !== undefined && registered !== registry) {
      throw new CollectionOwnershipError(`service "${service}" is already registered on this connection by another ServiceCollections; a service declares its collections in one registry`);
    }
    for (const collection of collections) {
      const owner = this.owners.get(collection);
      if (owner !== undefined && owner !== service) {
        throw new CollectionOwnershipError(
          `collection "${collection}" belongs to service "${owner}"; "${service}" cannot declare it too (services share data through events and APIs, not collections)`,
        );
      }
    }
    this.services.set(service, registry);
    for (const collection of collections) this.owners.set(collection, service);
  }
}

/** Two services declared the same collection, or two registries the same service: each service owns its own. */
export class CollectionOwnershipError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CollectionOwnershipError';
  }
}

async function readServerInfo(connection: Connection): Promise<MongoServerInfo> {
  const db = connection.db;
  if (!db) throw new MongoUnavailableError('MongoDB connection closed before the server could be identified');
  const info = await db.admin().command({ buildInfo: 1 });
  const version = typeof info.version === 'string' ? info.version : 'unknown';
  return typeof info.ferretdbVersion === 'string' ? { version, ferretdb: info.ferretdbVersion } : { version };
}
