import { join } from 'node:path';

import { closeSqliteStore, openSqliteDatabase, type SqliteDatabase, type SqliteDatabaseOptions } from './sqlite-database';
import { SqliteDeviceQueue } from './sqlite-device-queue';
import { SqliteEventOutbox } from './sqlite-event-outbox';

/** The file of the gateway's durable state in a data directory. */
export const GATEWAY_DATABASE_FILE = 'gateway.sqlite';

/**
 * The queue rows of devices with work waiting and the batches of a bus outage: a few MiB of pages cover them, and
 * the provisioning store is where the cache pays.
 */
const DEFAULT_GATEWAY_CACHE_MIB = 8;

export interface SqliteGatewayStoreOptions extends Omit<SqliteDatabaseOptions, 'readonly'> {
  /** The clock of the outbox's relay claims. */
  now?: () => number;
}

/** The device queue and the event outbox of an embedded gateway, on one database so their joint steps are transactions. */
export interface SqliteGatewayStore {
  readonly database: SqliteDatabase;
  readonly deviceQueue: SqliteDeviceQueue;
  readonly outbox: SqliteEventOutbox;
  close(): void;
}

/** Opens (creating when missing) `<dataDir>/gateway.sqlite`. The caller holds the data directory's lock. */
export function openSqliteGatewayStore(dataDir: string, options: SqliteGatewayStoreOptions = {}): SqliteGatewayStore {
  const database = openSqliteDatabase(join(dataDir, GATEWAY_DATABASE_FILE), {
    cacheMiB: options.cacheMiB ?? DEFAULT_GATEWAY_CACHE_MIB,
    synchronous: options.synchronous,
  });
  try {
    const deviceQueue = new SqliteDeviceQueue(database);
    const outbox = new SqliteEventOutbox(deviceQueue, { now: options.now });
    return {
      database,
      deviceQueue,
      outbox,
      close: () => closeSqliteStore(database, deviceQueue.writes),
    };
  } catch (error) {
    database.close();
    throw error;
  }
}
