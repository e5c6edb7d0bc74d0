import { Schema } from 'mongoose';
import { UnavailableError } from '@acs/platform';

import { buildIndexes, type IndexBuildReport } from './index-builder';
import { readMongoConfig } from './mongo-config';
import { CollectionOwnershipError, MongoConnection } from './mongo-connection';
import { MongoTestDatabase } from './mongo-test-database';
import { guardMongo, MongoUnavailableError } from './mongo-errors';
import { CollectionDeclarationError, ServiceCollections, type IndexDeclaration } from './service-collections';

// Runs against a real MongoDB-protocol server: ACS_MONGO_URL, default mongodb://127.0.0.1:27017/acs (FerretDB from
// `npm run infra:up`). A missing server fails the run: these tests exist to prove the adapter against a server.
/** One database per run, dropped at the end, so runs never see each other's collections. */
const database = new MongoTestDatabase('acs_test');
const connect = (options: { autoIndex: boolean }) => database.connect(options);
afterAll(() => database.drop());

function deviceCollections(service: string, indexes: IndexDeclaration[] = []) {
  const registry = new ServiceCollections(service);
  const devices = registry.define({
    name: 'devices',
    schema: new Schema({ serialNumber: { type: String, required: true }, oui: String, lastInform: Date, tag: String }),
    indexes,
  });
  return { registry, devices };
}

const serialAndVendorIndexes: IndexDeclaration[] = [
  { fields: { serialNumber: 1 }, unique: true, why: 'find the device of an Inform by serial number' },
  { fields: { oui: 1, lastInform: -1 }, why: 'list the most recently seen devices of one vendor' },
];

async function indexNames(connection: MongoConnection, collection: string): Promise<string[]> {
  const indexes = await connection.connection.db!.collection(collection).listIndexes().toArray();
  return indexes.map((index) => String(index.name)).sort();
}

function stepsOf(report: IndexBuildReport): string[] {
  return report.collections.flatMap((c) => c.steps.map((s) => `${c.collection} ${s.action} ${s.action === 'drop' ? s.name : s.index.name}`));
}

describe('MongoConnection', () => {
  it('connects and answers ping', async () => {
    const connection = await connect({ autoIndex: false });
    await expect(connection.ping()).resolves.toBeUndefined();
    await expect(connection.healthCheck().check()).resolves.toBeUndefined();
    expect(connection.databaseName).toBe(database.name);
    expect(connection.server.version).toMatch(/^\d+\.\d+/);
  });

  it('fails fast on an unreachable server, naming the URL with its password masked', async () => {
    const started = Date.now();
    const failure = await MongoConnection.open({ ...readMongoConfig({}), url: 'mongodb://acs:hunter2@127.0.0.1:1/acs', serverSelectionTimeoutMs: 500 }).catch((e: unknown) => e);
    const elapsed = Date.now() - started;
    expect(failure).toBeInstanceOf(MongoUnavailableError);
    expect(failure).toBeInstanceOf(UnavailableError);
    const error = failure as MongoUnavailableError;
    expect(error.dependency).toBe('mongo');
    expect(error.message).toContain('MongoDB not reachable at mongodb://acs:***@127.0.0.1:1/acs within 500 ms');
    expect(error.message).not.toContain('hunter2');
    // Server selection gives up after 500 ms; the bound only guards against the driver's 30 s default.
    expect(elapsed).toBeLessThan(5_000);
  });

  it('reports a closed connection as unavailable', async () => {
    const connection = await connect({ autoIndex: false });
    await connection.close();
    await expect(connection.ping()).rejects.toBeInstanceOf(MongoUnavailableError);
    await expect(connection.close()).resolves.toBeUndefined();
  });
});

describe('ServiceCollections on a shared connection', () => {
  it('keeps two services’ collections apart on one connection', async () => {
    const connection = await connect({ autoIndex: false });
    const provisioning = deviceCollections('prov-a');
    const grouping = deviceCollections('group-a');
    const provisioningDevices = (await provisioning.registry.attach(connection)).model(provisioning.devices);
    const groupingDevices = (await grouping.registry.attach(connection)).model(grouping.devices);

    await provisioningDevices.create({ serialNumber: 'P-1', oui: '00D09E' });
    await groupingDevices.create([{ serialNumber: 'G-1' }, { serialNumber: 'G-2' }]);

    expect(provisioningDevices.collection.collectionName).toBe('prov-a.devices');
    expect(groupingDevices.collection.collectionName).toBe('group-a.devices');
    expect((await provisioningDevices.find().lean()).map((d) => d.serialNumber)).toEqual(['P-1']);
    expect(await groupingDevices.countDocuments()).toBe(2);
    const names = (await connection.connection.db!.listCollections().toArray()).map((c) => c.name);
    expect(names).toEqual(expect.arrayContaining(['prov-a.devices', 'group-a.devices']));
  });

  it('refuses a second service declaring a collection another one owns', async () => {
    const connection = await connect({ autoIndex: false });
    const owner = new ServiceCollections('owner-b');
    owner.define({ name: 'devices', collection: 'shared-b', schema: new Schema({ a: String }), indexes: [] });
    const intruder = new ServiceCollections('intruder-b');
    intruder.define({ name: 'devices', collection: 'shared-b', schema: new Schema({ a: String }), indexes: [] });
    await owner.attach(connection);
    await expect(intruder.attach(connection)).rejects.toThrow(CollectionOwnershipError);
    await expect(intruder.attach(connection)).rejects.toThrow('collection "shared-b" belongs to service "owner-b"');
    expect(await owner.attach(connection)).toBe(await owner.attach(connection));
  });

  it('refuses indexes without a reason, TTL indexes and partial indexes when they are declared', () => {
    const registry = new ServiceCollections('rules-c');
    const schema = new Schema({ seenAt: Date, tag: String });
    const declare = (index: object) => registry.define({ name: 'devices', schema, indexes: [index as IndexDeclaration] });
    expect(() => declare({ fields: { tag: 1 } })).toThrow(CollectionDeclarationError);
    expect(() => declare({ fields: { seenAt: 1 }, expireAfterSeconds: 60, why: 'forget silent devices' })).toThrow(/TTL indexes/);
    expect(() => declare({ fields: { tag: 1 }, partialFilterExpression: { tag: { $exists: true } }, why: 'tagged' })).toThrow(/partial indexes/);
  });
});

describe('buildIndexes', () => {
  it('with autoIndex off builds nothing at attach; buildIndexes then creates the declared indexes', async () => {
    const connection = await connect({ autoIndex: false });
    const { registry, devices } = deviceCollections('prov-d', serialAndVendorIndexes);
    const model = (await registry.attach(connection)).model(devices);
    await model.create({ serialNumber: 'D-1', oui: '00D09E', lastInform: new Date() });
    expect(await indexNames(connection, 'prov-d.devices')).toEqual(['_id_']);

    const lines: string[] = [];
    const report = await buildIndexes(connection, [registry], { log: (line) => lines.push(line) });

    expect(stepsOf(report)).toEqual(['prov-d.devices create serialNumber_1', 'prov-d.devices create oui_1_lastInform_-1']);
    expect(report).toMatchObject({ created: 2, dropped: 0, kept: 0 });
    expect(lines).toContain('prov-d.devices: create serialNumber_1 { serialNumber: 1 } unique — find the device of an Inform by serial number');
    expect(await indexNames(connection, 'prov-d.devices')).toEqual(['_id_', 'oui_1_lastInform_-1', 'serialNumber_1']);
    const listed = await connection.connection.db!.collection('prov-d.devices').listIndexes().toArray();
    expect(listed.find((i) => i.name === 'serialNumber_1')).toMatchObject({ key: { serialNumber: 1 }, unique: true });
    expect(listed.find((i) => i.name === 'oui_1_lastInform_-1')?.key).toEqual({ oui: 1, lastInform: -1 });

    const duplicate = await model.create({ serialNumber: 'D-1' }).catch((e: unknown) => e);
    expect(duplicate).toMatchObject({ code: 11000 });
  });

  it('is idempotent, and drops what is no longer declared (dry run first)', async () => {
    const connection = await connect({ autoIndex: false });
    const { registry } = deviceCollections('prov-e', [
      ...serialAndVendorIndexes,
      { fields: { tag: 1 }, sparse: true, unique: true, why: 'find a device by its optional asset tag' },
    ]);
    const first = await buildIndexes(connection, [registry]);
    expect(first).toMatchObject({ created: 3, dropped: 0 });
    // Sparse included: FerretDB does not report `sparse` back, and that must not cause a rebuild on every run.
    expect(await buildIndexes(connection, [registry])).toMatchObject({ created: 0, dropped: 0, kept: 3 });

    const collection = connection.connection.db!.collection('prov-e.devices');
    await collection.createIndex({ lastInform: 1 }, { name: 'adhoc_lastInform' });
    // Two devices without a tag: the sparse unique index leaves both out.
    await collection.insertMany([{ serialNumber: 'E-1' }, { serialNumber: 'E-2' }]);

    const dryRun = await buildIndexes(connection, [registry], { dryRun: true });
    expect(stepsOf(dryRun).filter((s) => !s.includes(' keep '))).toEqual(['prov-e.devices drop adhoc_lastInform']);
    expect(await indexNames(connection, 'prov-e.devices')).toContain('adhoc_lastInform');

    expect(await buildIndexes(connection, [registry])).toMatchObject({ created: 0, dropped: 1, kept: 3 });
    expect(await indexNames(connection, 'prov-e.devices')).toEqual(['_id_', 'oui_1_lastInform_-1', 'serialNumber_1', 'tag_1']);
  });

  it('creates the collections of a service that declares no index yet', async () => {
    const connection = await connect({ autoIndex: false });
    const registry = new ServiceCollections('prov-f');
    registry.define({ name: 'presets', schema: new Schema({ name: String }), indexes: [] });
    const report = await buildIndexes(connection, [registry]);
    expect(report).toMatchObject({ created: 0, dropped: 0, kept: 0 });
    const names = (await connection.connection.db!.listCollections().toArray()).map((c) => c.name);
    expect(names).toContain('prov-f.presets');
  });

  it('with autoIndex on, attach builds the declared indexes itself (development)', async () => {
    const connection = await connect({ autoIndex: true });
    const { registry } = deviceCollections('prov-g', serialAndVendorIndexes);
    await registry.attach(connection);
    expect(await indexNames(connection, 'prov-g.devices')).toEqual(['_id_', 'oui_1_lastInform_-1', 'serialNumber_1']);
    expect(await buildIndexes(connection, [registry])).toMatchObject({ created: 0, dropped: 0, kept: 2 });
    // A restarted pod attaches again to collections and indexes that already exist.
    const restarted = await connect({ autoIndex: true });
    await expect(registry.attach(restarted)).resolves.toBeDefined();
  });
});

describe('guardMongo', () => {
  it('passes server answers through and turns outages into MongoUnavailableError', async () => {
    const connection = await connect({ autoIndex: false });
    const { registry, devices } = deviceCollections('prov-h', serialAndVendorIndexes);
    await buildIndexes(connection, [registry]);
    const model = (await registry.attach(connection)).model(devices);
    await model.create({ serialNumber: 'H-1' });
    await expect(guardMongo(() => model.create({ serialNumber: 'H-1' }))).rejects.toMatchObject({ code: 11000 });

    await connection.close();
    await expect(guardMongo(() => model.findOne({ serialNumber: 'H-1' }).exec())).rejects.toBeInstanceOf(MongoUnavailableError);
  });
});
