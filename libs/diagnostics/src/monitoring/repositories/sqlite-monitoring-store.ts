import { closeSqliteStore, openSqliteDatabase, SqliteCollection, sqliteIndexesOf, SqliteWriteBatcher, type SqliteDatabase } from '@acs/infra-sqlite';

import { monitoringStoreOf } from './document-monitoring-store';
import { dailySampleCollection, hourlySampleCollection, monitoredDeviceCollection, monitoringProfileCollection, rawSampleCollection } from './monitoring-collections.schema';
import type { MonitoringStore } from './ports';

export type SqliteMonitoringStoreOptions =
  | {
      /** The diagnostics service's database (`<dataDir>/diagnostics.sqlite`): monitoring lives beside the other parts. */
      database: SqliteDatabase;
      /** The service's group commit, shared with its other collections (ADR 13); one of its own when absent. */
      writes?: SqliteWriteBatcher;
    }
  | {
      /** A database file of monitoring's own (specs, benchmarks), opened here and closed with the store. */
      file: string;
    };

/**
 * Monitoring's store on the service's SQLite database, with the indexes declared for MongoDB. Closing it flushes
 * pending writes and leaves the service's database open (the service owns it); a file of its own it closes.
 */
export function openSqliteMonitoringStore(options: SqliteMonitoringStoreOptions): MonitoringStore {
  const owned = 'file' in options ? openSqliteDatabase(options.file) : undefined;
  const database = 'database' in options ? options.database : owned!;
  // One group commit per database: two would each BEGIN on the one connection.
  const writes = ('writes' in options ? options.writes : undefined) ?? new SqliteWriteBatcher(database);
  const shared = { prefix: 'diagnostics', writes };
  const collection = (definition: typeof monitoringProfileCollection) => new SqliteCollection(database, { name: definition.name, indexes: sqliteIndexesOf(definition) }, shared);
  return monitoringStoreOf({
    profiles: collection(monitoringProfileCollection),
    devices: collection(monitoredDeviceCollection),
    raw: collection(rawSampleCollection),
    hourly: collection(hourlySampleCollection),
    daily: collection(dailySampleCollection),
    close: async () => {
      if (owned) closeSqliteStore(owned, writes);
      else writes.flush();
    },
  });
}
