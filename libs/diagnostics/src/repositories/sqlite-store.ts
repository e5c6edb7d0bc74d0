import { join, resolve } from 'node:path';

import { closeSqliteStore, openSqliteDatabase, SqliteCollection, sqliteIndexesOf, SqliteWriteBatcher, type SqliteDatabase } from '@acs/infra-sqlite';
import { DocumentLeases } from '@acs/platform';

import type { DiagnosticsStore } from './ports';
import { openSqliteAlarmStore } from '../alarms/repositories/sqlite-alarm-store';
import { openSqliteMonitoringStore } from '../monitoring/repositories/sqlite-monitoring-store';
import { diagnosticsLeaseCollection } from './diagnostics-collections.schema';
import { openSqliteRunStore } from './run-stores';

export const DIAGNOSTICS_DATABASE_FILE = 'diagnostics.sqlite';

export interface SqliteDiagnosticsStoreOptions {
  /** ACS_DATA_DIR: the database is `diagnostics.sqlite` in it. */
  dataDir: string;
  cacheMiB?: number;
  /** ACS_STORE_SYNC: `normal` survives a process kill, `full` also a power cut. */
  synchronous?: 'normal' | 'full';
}

export interface SqliteDiagnosticsStore extends DiagnosticsStore {
  readonly database: SqliteDatabase;
}

/**
 * The diagnostics service's store in the standalone: `diagnostics.sqlite`, one database and one group commit for every
 * part of the service (each part's opener takes them), indexes taken from the MongoDB declarations.
 */
export function openSqliteDiagnosticsStore(options: SqliteDiagnosticsStoreOptions): SqliteDiagnosticsStore {
  const database = openSqliteDatabase(join(resolve(options.dataDir), DIAGNOSTICS_DATABASE_FILE), { cacheMiB: options.cacheMiB, synchronous: options.synchronous });
  const writes = new SqliteWriteBatcher(database);
  let closed = false;
  return {
    database,
    ...openSqliteRunStore({ database, writes }),
    alarms: openSqliteAlarmStore({ database, writes }),
    monitoring: openSqliteMonitoringStore({ database, writes }),
    leases: new DocumentLeases(new SqliteCollection(database, { name: diagnosticsLeaseCollection.name, indexes: sqliteIndexesOf(diagnosticsLeaseCollection) }, { prefix: 'diagnostics', writes })),
    close: async () => {
      if (closed) return;
      closed = true;
      closeSqliteStore(database, writes);
    },
  };
}
