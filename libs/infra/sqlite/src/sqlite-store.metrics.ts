import { Gauge, type Registry } from 'prom-client';

import { metricOf, type HealthCheck } from '@acs/platform';
import { sqliteDatabaseStats, type SqliteDatabase } from './sqlite-database';

/** A database of the process's embedded store, under the name its metrics carry (`provisioning`, `gateway`). */
export interface NamedSqliteDatabase {
  name: string;
  database: SqliteDatabase;
}

/**
 * Size gauges of the embedded store's databases, read at each scrape: `acs_store_size_bytes` (the database file's
 * pages), `acs_store_free_bytes` (pages freed by deletes, reused before the file grows) and `acs_store_wal_bytes`
 * (commits in the WAL not yet copied into the database). A WAL that keeps growing means checkpoints cannot finish,
 * usually a reader (a long backup) holding an old snapshot. Databases already closed are left out.
 */
export function registerSqliteStoreMetrics(registry: Registry, databases: () => readonly NamedSqliteDatabase[]): void {
  const gauge = (name: string, help: string, value: (stats: ReturnType<typeof sqliteDatabaseStats>) => number) =>
    metricOf(
      registry,
      name,
      () =>
        new Gauge({
          name,
          help,
          labelNames: ['database'],
          registers: [registry],
          collect() {
            this.reset();
            for (const { name: database, database: db } of databases()) {
              if (!db.open) continue;
              this.set({ database }, value(sqliteDatabaseStats(db)));
            }
          },
        }),
    );
  gauge('acs_store_size_bytes', 'Size of an embedded store database (pages × page size), WAL not included', (s) => s.pageCount * s.pageSize);
  gauge('acs_store_free_bytes', 'Unused pages inside an embedded store database, reused before the file grows', (s) => s.freePages * s.pageSize);
  gauge('acs_store_wal_bytes', 'Size of the WAL file of an embedded store database, in bytes', (s) => s.walBytes);
}

/**
 * Readiness of the embedded store: every database open and answering a read of its schema. A closed connection or
 * an unreadable file (deleted, disk gone) fails it.
 */
export function sqliteStoreHealthCheck(databases: () => readonly NamedSqliteDatabase[], name = 'embedded-store'): HealthCheck {
  return {
    name,
    check: async () => {
      for (const { name: database, database: db } of databases()) {
        if (!db.open) throw new Error(`database ${database} is closed`);
        db.prepare('SELECT count(*) FROM sqlite_schema').pluck().get();
      }
    },
  };
}
