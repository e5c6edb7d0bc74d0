import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { openSqliteDatabase, SqliteCollection, sqliteIndexesOf } from '@acs/infra-sqlite';

import { describeMonitoringStoreContract } from '../testing/monitoring-store.contract';
import { rawSampleCollection } from './monitoring-collections.schema';
import { openSqliteMonitoringStore } from './sqlite-monitoring-store';

// The standalone's store: a fresh database file per test, as the service opens it in its data directory.
describeMonitoringStoreContract('SQLite', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'acs-monitoring-'));
  const database = openSqliteDatabase(join(dataDir, 'diagnostics.sqlite'));
  const store = openSqliteMonitoringStore({ database });
  return {
    store,
    // One connection, synchronous statements: each update is applied whole before the next one starts.
    isolatesConcurrentWrites: true,
    async cleanup() {
      await store.close();
      database.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
});

describe('raw sample buckets on SQLite', () => {
  it('finds the buckets to fold and those to delete through the one (rollupDue, end) index', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'acs-monitoring-plan-'));
    const database = openSqliteDatabase(join(dataDir, 'diagnostics.sqlite'));
    try {
      const raw = new SqliteCollection(database, { name: rawSampleCollection.name, indexes: sqliteIndexesOf(rawSampleCollection) });
      expect(raw.explain({ rollupDue: 1, end: { $lte: 5 } }, [['end', 1]])).toMatch(/USING INDEX sampleBuckets_c_rollupDue_end_0/);
      expect(raw.explain({ rollupDue: 1, end: { $lte: 5 } }, [['end', 1]])).not.toMatch(/TEMP B-TREE/);
      expect(raw.explain({ rollupDue: 0, end: { $lte: 5 } })).toMatch(/USING INDEX sampleBuckets_c_rollupDue_end_0/);
    } finally {
      database.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
