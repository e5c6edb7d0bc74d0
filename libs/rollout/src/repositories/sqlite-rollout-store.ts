import { SqliteCollection, type SqliteDatabase, type SqliteWriteBatcher } from '@acs/infra-sqlite';

import { DocumentRolloutStore } from './document-rollout-store';
import { indexFieldLists, ROLLOUT_INDEXES, ROLLOUT_TARGET_INDEXES } from './rollout-collections.schema';

export interface SqliteRolloutStoreOptions {
  /** The service's database (`<dataDir>/firmware.sqlite`): rollouts live beside the service's own collections. */
  database: SqliteDatabase;
  /** The service's name, prefixing the collections in errors as on MongoDB (`firmware.rollouts`). */
  prefix: string;
  /** The service's group commit, shared with its other collections (ADR 13). */
  writes?: SqliteWriteBatcher;
}

/**
 * The rollout store on the service's embedded SQLite database, with the indexes declared for MongoDB
 * (rollout-collections.schema.ts). Closing it leaves the database open: the service owns it.
 */
export function openSqliteRolloutStore(options: SqliteRolloutStoreOptions): DocumentRolloutStore {
  const shared = { prefix: options.prefix, ...(options.writes ? { writes: options.writes } : {}) };
  return new DocumentRolloutStore({
    rollouts: new SqliteCollection(options.database, { name: 'rollouts', indexes: indexFieldLists(ROLLOUT_INDEXES) }, shared),
    targets: new SqliteCollection(options.database, { name: 'rolloutTargets', indexes: indexFieldLists(ROLLOUT_TARGET_INDEXES) }, shared),
  });
}
