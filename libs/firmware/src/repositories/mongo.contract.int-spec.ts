import { randomBytes } from 'node:crypto';

import { MongoTestDatabase } from '@acs/infra-mongo';
import type { mongo } from 'mongoose';

import { chunksOf, contentId, fileContentStoreContract, firmwareStoreContract } from '../testing';
import { firmwareCampaignCollection, firmwareCollections } from './firmware-collections.schema';
import { CONTENT_BUCKET, GridFsContentStore } from './gridfs-content-store';
import { openMongoFirmwareStore } from './mongo-store';

// Against the MongoDB-protocol server at ACS_MONGO_URL (FerretDB 1.24 here): fails, never skips, without one.
firmwareStoreContract('MongoDB (pods)', async () => {
  const database = new MongoTestDatabase('firmware_contract');
  const connection = await database.connect();
  const store = await openMongoFirmwareStore(connection);
  const models = await firmwareCollections.attach(connection);
  const campaigns = models.model(firmwareCampaignCollection).collection as unknown as mongo.Collection<{ _id: string }>;
  return {
    store,
    putCampaign: async (campaign) => {
      await campaigns.replaceOne({ _id: campaign._id }, campaign, { upsert: true });
    },
    cleanup: () => database.drop(),
  };
});

fileContentStoreContract('GridFS (pods)', async () => {
  const database = new MongoTestDatabase('firmware_gridfs');
  const connection = await database.connect();
  return { store: new GridFsContentStore(connection.connection.db as unknown as mongo.Db), cleanup: () => database.drop() };
});

describe('GridFsContentStore', () => {
  it('leaves no chunk behind when an upload fails past the limit or midway', async () => {
    const database = new MongoTestDatabase('firmware_gridfs_chunks');
    try {
      const connection = await database.connect();
      const db = connection.connection.db as unknown as mongo.Db;
      const store = new GridFsContentStore(db);
      await expect(store.write(contentId(), chunksOf(randomBytes(900 * 1024)), { maxBytes: 800 * 1024 })).rejects.toThrow('larger than the limit');
      async function* failing(): AsyncGenerator<Uint8Array> {
        yield randomBytes(600 * 1024);
        throw new Error('cut');
      }
      await expect(store.write(contentId(), failing(), { maxBytes: 10 * 1024 * 1024 })).rejects.toThrow('cut');
      expect(await db.collection(`${CONTENT_BUCKET}.chunks`).countDocuments({})).toBe(0);
      expect(await db.collection(`${CONTENT_BUCKET}.files`).countDocuments({})).toBe(0);
    } finally {
      await database.drop();
    }
  });
});
