import { MongoDocumentCollection, type MongoConnection } from '@acs/infra-mongo';
import type { StoredDocument } from '@acs/platform';
import type { mongo } from 'mongoose';

import { openMongoRolloutStore } from '@acs/rollout';

import { CampaignFileUsage } from './campaign-file-usage';
import { StoredCampaignRepository } from './campaign.repository';
import { firmwareCampaignCollection, firmwareCollections, firmwareFileCollection, firmwareRolloutCollections } from './firmware-collections.schema';
import { StoredFirmwareFileRepository } from './firmware-file.repository';
import { GridFsContentStore } from './gridfs-content-store';
import type { FirmwareStore } from './ports';

/**
 * The firmware service's store on the process's MongoDB connection: metadata in `firmware.files`, content in GridFS
 * on the same database. `close()` leaves the shared connection open: the app owns it.
 */
export async function openMongoFirmwareStore(connection: MongoConnection): Promise<FirmwareStore> {
  const models = await firmwareCollections.attach(connection);
  const collectionOf = (definition: typeof firmwareFileCollection | typeof firmwareCampaignCollection) =>
    new MongoDocumentCollection(models.model(definition).collection as unknown as mongo.Collection<StoredDocument>);
  const db = connection.connection.db;
  if (!db) throw new Error('MongoDB connection has no database');
  const rollouts = await openMongoRolloutStore(connection, firmwareCollections, firmwareRolloutCollections);
  return {
    files: new StoredFirmwareFileRepository(collectionOf(firmwareFileCollection)),
    content: new GridFsContentStore(db as unknown as mongo.Db),
    usage: new CampaignFileUsage(collectionOf(firmwareCampaignCollection)),
    campaigns: new StoredCampaignRepository(collectionOf(firmwareCampaignCollection)),
    rollouts,
    close: async () => undefined,
  };
}
