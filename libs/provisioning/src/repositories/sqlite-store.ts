import { join, resolve } from 'node:path';

import {
  closeSqliteStore,
  openSqliteDatabase,
  SqliteCollection,
  sqliteDatabaseStats,
  sqliteIndexesOf,
  SqliteWriteBatcher,
  type SqliteDatabase,
  type SqliteDatabaseStats,
} from '@acs/infra-sqlite';

import type { EmbeddedStoreConfig } from '../provisioning.config';
import { StoredDeviceRepository } from './device.repository';
import { openEmbeddedProvisioningStore } from './embedded-store';
import { StoredFaultRepository } from './fault.repository';
import type { ProvisioningStore } from './ports';
import { StoredPresetRepository } from './preset.repository';
import { deviceCollection, faultCollection, presetCollection, taskCollection, taskResultCollection } from './provisioning-collections.schema';
import { PARAMETERS_FIELD } from './stored-device';
import { StoredTaskResultRepository } from './task-result.repository';
import { StoredTaskRepository } from './task.repository';

export interface SqliteStoreOptions {
  /** The data directory (ACS_DATA_DIR); the database is `provisioning.sqlite` in it. */
  dataDir: string;
  /** Page cache in MiB (ACS_STORE_CACHE_MIB). */
  cacheMiB?: number;
  /** ACS_STORE_SYNC: `normal` survives a process kill, `full` also a power cut. */
  synchronous?: 'normal' | 'full';
}

export const PROVISIONING_DATABASE_FILE = 'provisioning.sqlite';

export type ProvisioningCollectionName = 'devices' | 'tasks' | 'taskResults' | 'presets' | 'faults';

export interface SqliteProvisioningStore extends ProvisioningStore {
  readonly database: SqliteDatabase;
  readonly file: string;
  /** The raw collections, for import and export (the repositories are the way everything else writes). */
  readonly collections: Record<ProvisioningCollectionName, SqliteCollection>;
  stats(): SqliteDatabaseStats;
}

/**
 * Provisioning's repositories on SQLite (libs/infra/sqlite), the store of the one-process product. The indexes are
 * the ones declared for MongoDB (provisioning-collections.schema.ts), so a query is served the same way in both;
 * tags are indexed per element; the parameter tree is a table of nodes (ADR 13).
 */
export function openSqliteProvisioningStore(options: SqliteStoreOptions): SqliteProvisioningStore {
  const file = join(resolve(options.dataDir), PROVISIONING_DATABASE_FILE);
  const database = openSqliteDatabase(file, { cacheMiB: options.cacheMiB, synchronous: options.synchronous });
  const writes = new SqliteWriteBatcher(database);
  const shared = { prefix: 'provisioning', writes };
  const collections = {
    devices: new SqliteCollection(database, { name: 'devices', indexes: sqliteIndexesOf(deviceCollection, ['tags']), arrayFields: ['tags'], treeField: PARAMETERS_FIELD }, shared),
    tasks: new SqliteCollection(database, { name: 'tasks', indexes: sqliteIndexesOf(taskCollection) }, shared),
    taskResults: new SqliteCollection(database, { name: 'taskResults', indexes: sqliteIndexesOf(taskResultCollection) }, shared),
    presets: new SqliteCollection(database, { name: 'presets', indexes: sqliteIndexesOf(presetCollection) }, shared),
    faults: new SqliteCollection(database, { name: 'faults', indexes: sqliteIndexesOf(faultCollection) }, shared),
  };
  const taskResults = new StoredTaskResultRepository(collections.taskResults);
  return {
    database,
    file,
    collections,
    devices: new StoredDeviceRepository(collections.devices),
    tasks: new StoredTaskRepository(collections.tasks, taskResults),
    taskResults,
    presets: new StoredPresetRepository(collections.presets),
    faults: new StoredFaultRepository(collections.faults),
    stats: () => sqliteDatabaseStats(database),
    close: async () => closeSqliteStore(database, writes),
  };
}

/**
 * The standalone's provisioning store as configured (ACS_STORE): SQLite, or the nedb files of earlier versions while
 * that store exists.
 */
export async function openConfiguredEmbeddedStore(dataDir: string, config: EmbeddedStoreConfig): Promise<ProvisioningStore> {
  if (config.kind === 'nedb') return openEmbeddedProvisioningStore({ dataDir });
  return openSqliteProvisioningStore({ dataDir, cacheMiB: config.cacheMiB, synchronous: config.synchronous });
}

/** Whether a store opened by openConfiguredEmbeddedStore is the SQLite one (its database and collections at hand). */
export function isSqliteProvisioningStore(store: ProvisioningStore): store is SqliteProvisioningStore {
  return 'database' in store && 'collections' in store;
}
