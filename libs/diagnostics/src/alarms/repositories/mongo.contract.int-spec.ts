import { MongoTestDatabase, type MongoConnection } from '@acs/infra-mongo';

import { alarmCollection, thresholdRuleCollection, thresholdStateCollection } from './alarms-collections.schema';
import { describeAlarmStoreContract } from '../testing/alarm-store.contract';
import { openMongoAlarmStore } from './mongo-alarm-store';

// Runs against a real MongoDB-protocol server (ACS_MONGO_URL; FerretDB locally); a missing server fails the run, never skips it.
const database = new MongoTestDatabase('acs_test_alarms');
let shared: MongoConnection | undefined;

afterAll(() => database.drop());

// One connection for the file; each test starts from empty collections.
describeAlarmStoreContract('MongoDB', async () => {
  shared ??= await database.connect();
  const store = await openMongoAlarmStore(shared);
  const db = shared.connection.db!;
  for (const definition of [thresholdRuleCollection, thresholdStateCollection, alarmCollection]) await db.collection(definition.collection).deleteMany({});
  return { store, cleanup: async () => undefined };
});

describe('alarm collections on MongoDB', () => {
  it('builds every declared index', async () => {
    shared ??= await database.connect();
    await openMongoAlarmStore(shared);
    for (const definition of [thresholdRuleCollection, thresholdStateCollection, alarmCollection]) {
      const names = (await shared.connection.db!.collection(definition.collection).indexes()).map((index) => index.name);
      expect(names).toEqual(expect.arrayContaining(definition.indexes.map((index) => index.name)));
    }
  });
});
