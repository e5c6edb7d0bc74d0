import { MongoTestDatabase, type MongoConnection } from '@acs/infra-mongo';

import { describeRunStoreContract } from '../testing/run-repository.contract';
import { diagnosticsCollections } from './diagnostics-collections.schema';
import { runCollection, runSlotCollection } from './run-collections.schema';
import { openMongoDiagnosticsStore } from './mongo-store';

// Runs against a real MongoDB-protocol server (see MongoTestDatabase); a missing server fails the run, never skips it.
const database = new MongoTestDatabase('acs_test_diagnostics');
let shared: MongoConnection | undefined;

afterAll(() => database.drop());

// One connection for the file; each test starts from empty collections.
describeRunStoreContract('MongoDB', async () => {
  shared ??= await database.connect();
  const db = shared.connection.db!;
  for (const definition of [runCollection, runSlotCollection]) await db.collection(definition.collection).deleteMany({});
  const store = await openMongoDiagnosticsStore(shared);
  return { runs: store.runs, runSlots: store.runSlots, cleanup: () => store.close() };
});

describe('diagnostics run collections on MongoDB', () => {
  it('builds every declared index', async () => {
    shared ??= await database.connect();
    await diagnosticsCollections.attach(shared);
    const names = (await shared.connection.db!.collection(runCollection.collection).indexes()).map((index) => index.name);
    expect(names).toEqual(expect.arrayContaining(runCollection.indexes.map((index) => index.name)));
  });
});
