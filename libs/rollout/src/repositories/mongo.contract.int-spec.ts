import { MongoTestDatabase, ServiceCollections, type MongoConnection } from '@acs/infra-mongo';

import { describeRolloutStoreContract } from '../testing/rollout-store.contract';
import { openMongoRolloutStore } from './mongo-rollout-store';
import { defineRolloutCollections } from './rollout-collections.schema';

// Runs against a real MongoDB-protocol server (see MongoTestDatabase); a missing server fails the run, never skips it.
const database = new MongoTestDatabase('acs_test_rollout');
const registry = new ServiceCollections('rollout-contract');
const definitions = defineRolloutCollections(registry);
let shared: MongoConnection | undefined;

afterAll(() => database.drop());

// One connection for the file; each test starts from empty collections.
describeRolloutStoreContract('MongoDB', async () => {
  shared ??= await database.connect();
  const db = shared.connection.db!;
  for (const definition of [definitions.rollouts, definitions.targets, definitions.observations]) await db.collection(definition.collection).deleteMany({});
  const store = await openMongoRolloutStore(shared, registry, definitions);
  return {
    store,
    isolatesConcurrentWrites: shared.server.ferretdb === undefined,
    cleanup: () => store.close(),
  };
});

describe('rollout collections on MongoDB', () => {
  it('builds every declared index', async () => {
    shared ??= await database.connect();
    await openMongoRolloutStore(shared, registry, definitions);
    const names = (await shared.connection.db!.collection(definitions.targets.collection).indexes()).map((index) => index.name);
    expect(names).toEqual(expect.arrayContaining(definitions.targets.indexes.map((index) => index.name)));
  });
});
