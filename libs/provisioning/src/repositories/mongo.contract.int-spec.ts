import { randomBytes } from 'node:crypto';

import { MongoTestDatabase, type MongoConnection } from '@acs/infra-mongo';
import { mongo } from 'mongoose';

import {
  describeDeviceRepositoryContract,
  describeFaultRepositoryContract,
  describePresetRepositoryContract,
  describeStorePersistenceContract,
  describeTaskRepositoryContract,
  readDeviceModelCsv,
  sampleInform,
  sharedMaterialPresent,
  TPLINK_EX220_DUMP,
  type ProvisioningStoreFactory,
} from '../testing';
import { openMongoProvisioningStore } from './mongo-store';
import { deviceCollection, faultCollection, presetCollection, provisioningCollections, taskCollection, taskResultCollection } from './provisioning-collections.schema';

// Runs against a real MongoDB-protocol server (see MongoTestDatabase); a missing server fails the run, never skips it.
const database = new MongoTestDatabase('acs_test_prov');
const connect = () => database.connect();

let shared: MongoConnection | undefined;

afterAll(() => database.drop());

const collections = [deviceCollection, taskCollection, taskResultCollection, presetCollection, faultCollection].map((c) => c.collection);

// One connection for the file (opening one per test would dominate the run); each test starts from empty
// collections, and a reopen is a new connection and a new store on the same database.
const onMongo: ProvisioningStoreFactory = async () => {
  shared ??= await connect();
  const db = shared.connection.db!;
  for (const name of collections) await db.collection(name).deleteMany({});
  let store = await openMongoProvisioningStore(shared);
  return {
    isolatesConcurrentWrites: shared.server.ferretdb === undefined,
    get store() {
      return store;
    },
    async reopen() {
      await store.close();
      store = await openMongoProvisioningStore(await connect());
      return store;
    },
    async cleanup() {
      await store.close();
    },
  };
};

describeDeviceRepositoryContract('MongoDB', onMongo);
describeTaskRepositoryContract('MongoDB', onMongo);
describePresetRepositoryContract('MongoDB', onMongo);
describeFaultRepositoryContract('MongoDB', onMongo);
describeStorePersistenceContract('MongoDB', onMongo);

describe('provisioning collections on MongoDB', () => {
  it('builds every declared index', async () => {
    shared ??= await connect();
    await provisioningCollections.attach(shared);
    for (const definition of provisioningCollections.collections) {
      const built = await shared.connection.db!.collection(definition.collection).listIndexes().toArray();
      expect(built.map((index) => String(index.name)).sort()).toEqual(['_id_', ...definition.indexes.map((index) => index.name)].sort());
    }
  });

  (sharedMaterialPresent() ? it : it.skip)('measures the stored TP-Link EX220 device (5,200 parameters)', async () => {
    shared ??= await connect();
    const store = await openMongoProvisioningStore(shared);
    const dump = readDeviceModelCsv(TPLINK_EX220_DUMP);
    const facts = sampleInform({ serialNumber: `SIZE${randomBytes(3).toString('hex')}` });
    await store.devices.applyInform(facts);
    for (let i = 1; i < 20; i++) await store.devices.applyInform({ ...facts, at: facts.at + i, parameters: [] });
    let started = Date.now();
    await store.devices.replaceSubtree(facts.id, 'Device', dump, facts.at + 100);
    const refreshMs = Date.now() - started;
    started = Date.now();
    await store.devices.applyInform({ ...facts, at: facts.at + 200 });
    const informMs = Date.now() - started;
    const raw = await shared.connection.db!.collection(deviceCollection.collection).findOne({ _id: facts.id as never });
    const bson = mongo.BSON.calculateObjectSize(raw!);
    console.info(
      `TP-Link EX220 on ${shared.server.ferretdb ? `FerretDB ${shared.server.ferretdb}` : `MongoDB ${shared.server.version}`}: ${dump.length} parameters, ` +
        `stored document ${bson} bytes BSON (${(bson / dump.length).toFixed(0)} B/parameter); full refresh (replaceSubtree) ${refreshMs} ms, an Inform on it ${informMs} ms`,
    );
    expect(bson).toBeLessThan(2 * 1024 * 1024);
    await store.devices.delete(facts.id);
  });
});
