import type { mongo } from 'mongoose';
import type { StoredDocument } from '@acs/platform';
import { describeDocumentCollectionContract, uniqueToken } from '@acs/testing';

import type { MongoConnection } from './mongo-connection';

import { MongoDocumentCollection } from './mongo-document-collection';
import { MongoTestDatabase } from './mongo-test-database';

// The DocumentCollection contract on a real MongoDB-protocol server (ACS_MONGO_URL, FerretDB from `npm run infra:up`);
// a missing server fails the run. One collection per test in a throw-away database.
const database = new MongoTestDatabase('acs_documents');
let connection: Promise<MongoConnection> | undefined;
afterAll(() => database.drop());

describeDocumentCollectionContract('mongo', async () => {
  connection ??= database.connect({ autoIndex: false });
  const collection = (await connection).connection.db!.collection<StoredDocument>(`pairs_${uniqueToken()}`);
  await collection.createIndex({ groupId: 1, deviceId: 1 });
  return {
    adapter: new MongoDocumentCollection(collection as mongo.Collection<StoredDocument>),
    cleanup: async () => {
      await collection.drop();
    },
  };
});
