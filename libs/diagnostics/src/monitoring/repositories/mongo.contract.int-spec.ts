import { MongoTestDatabase, type MongoConnection } from '@acs/infra-mongo';

import { describeMonitoringStoreContract } from '../testing/monitoring-store.contract';
import { MONITORING_COLLECTIONS } from './monitoring-collections.schema';
import { openMongoMonitoringStore } from './mongo-monitoring-store';

// Runs against a real MongoDB-protocol server (ACS_MONGO_URL, FerretDB locally); a missing server fails the run.
const database = new MongoTestDatabase('acs_test_monitoring');
let shared: MongoConnection | undefined;

afterAll(() => database.drop());

// One connection for the file; each test starts from empty collections.
describeMonitoringStoreContract('MongoDB', async () => {
  shared ??= await database.connect();
  const db = shared.connection.db!;
  for (const definition of MONITORING_COLLECTIONS) await db.collection(definition.collection).deleteMany({});
  const store = await openMongoMonitoringStore(shared);
  return { store, isolatesConcurrentWrites: shared.server.ferretdb === undefined, cleanup: () => store.close() };
});

describe('monitoring collections on MongoDB', () => {
  it('builds every declared index', async () => {
    shared ??= await database.connect();
    await openMongoMonitoringStore(shared);
    for (const definition of MONITORING_COLLECTIONS) {
      const names = (await shared.connection.db!.collection(definition.collection).indexes()).map((index) => index.name);
      expect(names).toEqual(expect.arrayContaining(definition.indexes.map((index) => index.name)));
    }
  });
});
