import { SqliteCollection, sqliteIndexesOf, SqliteWriteBatcher, type SqliteDatabase } from '@acs/infra-sqlite';

import { monitoringStoreOf } from './document-monitoring-store';
import { dailySampleCollection, hourlySampleCollection, monitoredDeviceCollection, monitoringProfileCollection, rawSampleCollection } from './monitoring-collections.schema';
import type { MonitoringStore } from './ports';

export interface SqliteMonitoringStoreOptions {
  /** The diagnostics service's database (`<dataDir>/diagnostics.sqlite`): monitoring lives beside the other parts. */
  database: SqliteDatabase;
  /** The service's group commit, shared with its other collections (ADR 13); one of its own when absent. */
  writes?: SqliteWriteBatcher;
}

/**
 * Monitoring's store on the service's SQLite database, with the indexes declared for MongoDB. Closing it flushes
 * pending writes and leaves the database open: the service owns it.
 */
export function openSqliteMonitoringStore(options: SqliteMonitoringStoreOptions): MonitoringStore {
  const { database } = options;
  // One group commit per database: two would each BEGIN on the one connection.
  const writes = options.writes ?? new SqliteWriteBatcher(database);
  const shared = { prefix: 'diagnostics', writes };
  const collection = (definition: typeof monitoringProfileCollection) => new SqliteCollection(database, { name: definition.name, indexes: sqliteIndexesOf(definition) }, shared);
  return monitoringStoreOf({
    profiles: collection(monitoringProfileCollection),
    devices: collection(monitoredDeviceCollection),
    raw: collection(rawSampleCollection),
    hourly: collection(hourlySampleCollection),
    daily: collection(dailySampleCollection),
    close: async () => writes.flush(),
  });
}
