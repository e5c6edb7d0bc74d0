import { MongoDocumentCollection, type MongoConnection } from '@acs/infra-mongo';
import { closeSqliteStore, openSqliteDatabase, SqliteCollection, sqliteIndexesOf, SqliteWriteBatcher, type SqliteDatabase } from '@acs/infra-sqlite';
import type { StoredDocument } from '@acs/platform';
import type { mongo } from 'mongoose';

import { diagnosticsCollections } from '../../repositories/diagnostics-collections.schema';
import { collectionEntryCollection } from './collection-collections.schema';
import type { CollectionEntryRepository } from '../collection/collection-entry';
import { StoredCollectionEntryRepository } from './collection-entry.repository';

/**
 * Collection entries on the diagnostics service's SQLite database with its group commit (ADR 13). Nothing to close:
 * the service owns the database.
 */
export function openSqliteCollectionEntries(options: { database: SqliteDatabase; writes: SqliteWriteBatcher }): CollectionEntryRepository {
  const shared = { prefix: 'diagnostics', writes: options.writes };
  return new StoredCollectionEntryRepository(
    new SqliteCollection(options.database, { name: collectionEntryCollection.name, indexes: sqliteIndexesOf(collectionEntryCollection) }, shared),
  );
}

/** Collection entries on the process's MongoDB connection (`diagnostics.monitoringCollection`). */
export async function openMongoCollectionEntries(connection: MongoConnection): Promise<CollectionEntryRepository> {
  const models = await diagnosticsCollections.attach(connection);
  return new StoredCollectionEntryRepository(new MongoDocumentCollection(models.model(collectionEntryCollection).collection as unknown as mongo.Collection<StoredDocument>));
}

/** Collection entries in a SQLite file of their own (specs, benchmarks), closed with `close`. */
export function openSqliteCollectionEntriesFile(file: string): { entries: CollectionEntryRepository; close(): void } {
  const database = openSqliteDatabase(file);
  const writes = new SqliteWriteBatcher(database);
  return { entries: openSqliteCollectionEntries({ database, writes }), close: () => closeSqliteStore(database, writes) };
}
