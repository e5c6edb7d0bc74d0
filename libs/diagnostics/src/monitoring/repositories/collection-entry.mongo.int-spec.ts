import { MongoTestDatabase, type MongoConnection } from '@acs/infra-mongo';

import { describeCollectionEntryContract } from '../collection/testing/collection-entry.contract';
import { collectionEntryCollection } from './collection-collections.schema';
import { openMongoCollectionEntries } from './collection-stores';

// Runs against a real MongoDB-protocol server (ACS_MONGO_URL, FerretDB locally); a missing server fails the run.
const database = new MongoTestDatabase('acs_test_monitoring_collection');
let shared: MongoConnection | undefined;

afterAll(() => database.drop());

describeCollectionEntryContract('MongoDB', async () => {
  shared ??= await database.connect();
  await shared.connection.db!.collection(collectionEntryCollection.collection).deleteMany({});
  return { entries: await openMongoCollectionEntries(shared), close: async () => undefined };
});

describe('the collection entries on MongoDB', () => {
  it('builds every declared index', async () => {
    shared ??= await database.connect();
    await openMongoCollectionEntries(shared);
    const names = (await shared.connection.db!.collection(collectionEntryCollection.collection).indexes()).map((index) => index.name);
    expect(names).toEqual(expect.arrayContaining(collectionEntryCollection.indexes.map((index) => index.name)));
  });
});
