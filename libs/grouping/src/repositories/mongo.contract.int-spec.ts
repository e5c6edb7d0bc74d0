import { MongoTestDatabase, type MongoConnection } from '@acs/infra-mongo';

import { describeJobRepositoryContract } from '../testing/job-repository.contract';
import { describeGroupingRepositoriesContract } from '../testing/membership-repository.contract';
import { explicitMemberCollection, groupCollection, groupingCollections, groupNameCollection, jobCollection, leaseCollection, memberCollection } from './grouping-collections.schema';
import { openMongoGroupingStore } from './mongo-store';

// Runs against a real MongoDB-protocol server (see MongoTestDatabase); a missing server fails the run, never skips it.
const database = new MongoTestDatabase('acs_test_grouping');
let shared: MongoConnection | undefined;

afterAll(() => database.drop());

// One connection for the file; each test starts from empty collections.
describeGroupingRepositoriesContract('MongoDB', async () => {
  shared ??= await database.connect();
  const db = shared.connection.db!;
  for (const definition of [groupCollection, groupNameCollection, memberCollection, explicitMemberCollection, leaseCollection]) await db.collection(definition.collection).deleteMany({});
  const store = await openMongoGroupingStore(shared);
  return { members: store.members, groups: store.groups, leases: store.leases, cleanup: () => store.close() };
});

describeJobRepositoryContract('MongoDB', async () => {
  shared ??= await database.connect();
  await shared.connection.db!.collection(jobCollection.collection).deleteMany({});
  const store = await openMongoGroupingStore(shared);
  return { jobs: store.jobs, cleanup: () => store.close() };
});

describe('grouping collections on MongoDB', () => {
  it('builds every declared index', async () => {
    shared ??= await database.connect();
    await groupingCollections.attach(shared);
    for (const definition of [memberCollection, jobCollection]) {
      const names = (await shared.connection.db!.collection(definition.collection).indexes()).map((index) => index.name);
      expect(names).toEqual(expect.arrayContaining(definition.indexes.map((index) => index.name)));
    }
  });
});
