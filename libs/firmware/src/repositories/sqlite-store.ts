import { join, resolve } from 'node:path';

import { openSqliteRolloutStore } from '@acs/rollout';
import { closeSqliteStore, openSqliteDatabase, SqliteCollection, sqliteIndexesOf, SqliteWriteBatcher, type SqliteDatabase } from '@acs/infra-sqlite';

import { CampaignFileUsage } from './campaign-file-usage';
import { StoredCampaignRepository } from './campaign.repository';
import { DirectoryContentStore } from './directory-content-store';
import { firmwareCampaignCollection, firmwareFileCollection } from './firmware-collections.schema';
import { StoredFirmwareFileRepository } from './firmware-file.repository';
import type { FirmwareStore } from './ports';

export const FIRMWARE_DATABASE_FILE = 'firmware.sqlite';
/** Files' content in the standalone: `<dataDir>/files/<id>`. */
export const FIRMWARE_CONTENT_DIRECTORY = 'files';

export interface SqliteFirmwareStoreOptions {
  /** ACS_DATA_DIR: the database is `firmware.sqlite` in it, the content under `files/`. */
  dataDir: string;
  cacheMiB?: number;
  /** ACS_STORE_SYNC: `normal` survives a process kill, `full` also a power cut. */
  synchronous?: 'normal' | 'full';
}

export interface SqliteFirmwareStore extends FirmwareStore {
  readonly database: SqliteDatabase;
  /** The raw collections, for tests and export (the repositories are the way everything else writes). */
  readonly collections: { files: SqliteCollection; campaigns: SqliteCollection };
}

/**
 * The firmware service's store in the standalone: metadata in `firmware.sqlite` (indexes taken from the MongoDB
 * declarations, as provisioning's store does), content as files under the data directory.
 */
export async function openSqliteFirmwareStore(options: SqliteFirmwareStoreOptions): Promise<SqliteFirmwareStore> {
  const dataDir = resolve(options.dataDir);
  const content = await DirectoryContentStore.open(join(dataDir, FIRMWARE_CONTENT_DIRECTORY));
  const database = openSqliteDatabase(join(dataDir, FIRMWARE_DATABASE_FILE), { cacheMiB: options.cacheMiB, synchronous: options.synchronous });
  const writes = new SqliteWriteBatcher(database);
  const shared = { prefix: 'firmware', writes };
  const files = new SqliteCollection(database, { name: 'files', indexes: sqliteIndexesOf(firmwareFileCollection, ['modelKeys']), arrayFields: ['modelKeys'] }, shared);
  const campaigns = new SqliteCollection(database, { name: 'campaigns', indexes: sqliteIndexesOf(firmwareCampaignCollection, ['fileIds']), arrayFields: ['fileIds'] }, shared);
  const rollouts = openSqliteRolloutStore({ database, writes, prefix: 'firmware' });
  let closed = false;
  return {
    database,
    collections: { files, campaigns },
    files: new StoredFirmwareFileRepository(files),
    content,
    usage: new CampaignFileUsage(campaigns),
    campaigns: new StoredCampaignRepository(campaigns),
    rollouts,
    close: async () => {
      if (closed) return;
      closed = true;
      await rollouts.close();
      closeSqliteStore(database, writes);
    },
  };
}
