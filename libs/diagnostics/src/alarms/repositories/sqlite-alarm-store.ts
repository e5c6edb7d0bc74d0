import { SqliteCollection, sqliteIndexesOf, type SqliteDatabase, type SqliteWriteBatcher } from '@acs/infra-sqlite';

import { alarmCollection, thresholdRuleCollection, thresholdStateCollection } from './alarms-collections.schema';
import { StoredAlarmRepository } from './alarm.repository';
import type { AlarmStore } from './ports';
import { StoredThresholdRuleRepository } from './threshold-rule.repository';
import { StoredThresholdStateRepository } from './threshold-state.repository';

export interface SqliteAlarmStoreOptions {
  /** The diagnostics service's database (`<dataDir>/diagnostics.sqlite`), opened and closed by the service. */
  database: SqliteDatabase;
  /** The service's group commit, shared with its other collections (ADR 13): one per database. */
  writes: SqliteWriteBatcher;
}

/**
 * Thresholds and alarms on the diagnostics service's embedded database, with the indexes declared for MongoDB
 * (alarms-collections.schema.ts). Nothing to close: the service owns the database and its group commit.
 */
export function openSqliteAlarmStore(options: SqliteAlarmStoreOptions): AlarmStore {
  const shared = { prefix: 'diagnostics', writes: options.writes };
  const collection = (definition: typeof alarmCollection) => new SqliteCollection(options.database, { name: definition.name, indexes: sqliteIndexesOf(definition) }, shared);
  return {
    rules: new StoredThresholdRuleRepository(collection(thresholdRuleCollection)),
    states: new StoredThresholdStateRepository(collection(thresholdStateCollection)),
    alarms: new StoredAlarmRepository(collection(alarmCollection)),
  };
}
