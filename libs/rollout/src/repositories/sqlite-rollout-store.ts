import { openSqliteDatabase, SqliteCollection, SqliteWriteBatcher, type SqliteDatabase } from '@acs/infra-sqlite';

import { DocumentRolloutStore } from './document-rollout-store';
import { indexFieldLists, ROLLOUT_INDEXES, ROLLOUT_OBSERVATION_INDEXES, ROLLOUT_TARGET_INDEXES } from './rollout-collections.schema';

export type SqliteRolloutStoreOptions = {
  /** The service's name, prefixing the collections in errors as on MongoDB (`firmware.rollouts`). */
  prefix: string;
} & (
  | {
      /** The service's database (`<dataDir>/firmware.sqlite`): rollouts live beside the service's own collections. */
      database: SqliteDatabase;
      /** The service's group commit, shared with its other collections (ADR 13). */
      writes?: SqliteWriteBatcher;
    }
  | {
      /** A database file of the rollouts' own, opened here and closed with the store. */
      file: string;
    }
);

/**
 * The rollout store on embedded SQLite, with the indexes declared for MongoDB (rollout-collections.schema.ts). On the
 * service's database, closing the store leaves the database open: the service owns it.
 */
export function openSqliteRolloutStore(options: SqliteRolloutStoreOptions): DocumentRolloutStore {
  const owned = 'file' in options ? openSqliteDatabase(options.file) : undefined;
  const database = 'database' in options ? options.database : owned!;
  // One group commit per database: two would each BEGIN on the one connection.
  const writes = ('writes' in options ? options.writes : undefined) ?? new SqliteWriteBatcher(database);
  const shared = { prefix: options.prefix, writes };
  return new DocumentRolloutStore({
    rollouts: new SqliteCollection(database, { name: 'rollouts', indexes: indexFieldLists(ROLLOUT_INDEXES) }, shared),
    targets: new SqliteCollection(database, { name: 'rolloutTargets', indexes: indexFieldLists(ROLLOUT_TARGET_INDEXES) }, shared),
    observations: new SqliteCollection(database, { name: 'rolloutObservations', indexes: indexFieldLists(ROLLOUT_OBSERVATION_INDEXES) }, shared),
    close: async () => {
      writes.flush();
      owned?.close();
    },
  });
}
