import { MongoDocumentCollection, type MongoConnection } from '@acs/infra-mongo';
import { SqliteCollection, sqliteIndexesOf, type SqliteDatabase, type SqliteWriteBatcher } from '@acs/infra-sqlite';
import type { StoredDocument } from '@acs/platform';
import type { mongo } from 'mongoose';

import { diagnosticsCollections } from './diagnostics-collections.schema';
import { runCollection, runSlotCollection } from './run-collections.schema';
import { StoredRunRepository, StoredRunSlotRepository } from './run.repository';
import type { RunStore } from './run-ports';

/** The runs' repositories on the service's SQLite database, sharing its one group commit (`writes`). */
export function openSqliteRunStore(options: { database: SqliteDatabase; writes: SqliteWriteBatcher; prefix?: string }): RunStore {
  const shared = { prefix: options.prefix ?? 'diagnostics', writes: options.writes };
  const collection = (definition: typeof runCollection) => new SqliteCollection(options.database, { name: definition.name, indexes: sqliteIndexesOf(definition) }, shared);
  return { runs: new StoredRunRepository(collection(runCollection)), runSlots: new StoredRunSlotRepository(collection(runSlotCollection)) };
}

/** The runs' repositories on the process's MongoDB connection (`diagnostics.runs`, `diagnostics.runSlots`). */
export async function openMongoRunStore(connection: MongoConnection): Promise<RunStore> {
  const models = await diagnosticsCollections.attach(connection);
  const collectionOf = (definition: typeof runCollection) => new MongoDocumentCollection(models.model(definition).collection as unknown as mongo.Collection<StoredDocument>);
  return { runs: new StoredRunRepository(collectionOf(runCollection)), runSlots: new StoredRunSlotRepository(collectionOf(runSlotCollection)) };
}
