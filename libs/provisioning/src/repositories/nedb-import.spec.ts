import { existsSync, readdirSync } from 'node:fs';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import Datastore from '@seald-io/nedb';

import type { DocumentCollection, DocumentFilter, DocumentProjection, DocumentUpdate, FindOptions, StoredDocument } from '@acs/platform';
import type { DeviceRecord, Preset, Task } from '../domain';
import { readDeviceModelCsv, sampleInform, samplePreset, sampleTask, TPLINK_EX220_DUMP } from '../testing';
import { EMBEDDED_COLLECTIONS, embeddedDataFile, openEmbeddedProvisioningStore, type EmbeddedCollectionName } from './embedded-store';
import { importNedbDataDirectory, NEDB_IMPORT_PENDING_FILE, nedbDataFiles, nedbImportDue, NedbImportError, type NedbImportTarget } from './nedb-import';
import type { DeviceFault } from '../domain';
import type { ProvisioningStore } from './ports';
import { openSqliteProvisioningStore } from './sqlite-store';

const T0 = 1_700_000_000_000;

/** Everything provisioning's repositories return for a data directory, to compare two stores by. */
interface Snapshot {
  devices: DeviceRecord[];
  tasks: Task[];
  presets: Preset[];
  presetChanges: unknown[];
  faults: DeviceFault[];
}

interface Fleet {
  deviceIds: string[];
  taskIds: string[];
}

/** An nedb data directory as the nedb standalone left it: a full EX220 tree, small devices, tasks, presets, faults. */
async function writeNedbDataDirectory(dataDir: string): Promise<Fleet> {
  const store = await openEmbeddedProvisioningStore({ dataDir });
  const deviceIds: string[] = [];
  const ex220 = sampleInform({ eventCodes: ['0 BOOTSTRAP', '1 BOOT'], at: T0 });
  await store.devices.applyInform(ex220);
  await store.devices.replaceSubtree(ex220.id, 'Device', readDeviceModelCsv(TPLINK_EX220_DUMP), T0 + 1);
  await store.devices.setTags(ex220.id, ['lab', 'ex220'], []);
  await store.devices.setConnectionRequestCredentials(ex220.id, 'acs', 'secret');
  deviceIds.push(ex220.id);
  for (let i = 0; i < 25; i++) {
    const facts = sampleInform({ at: T0 + i });
    await store.devices.applyInform(facts);
    // A second Inform rewrites the document: nedb's file then holds two lines for it, of which the last counts.
    await store.devices.applyInform({ ...facts, at: T0 + 100 + i, eventCodes: ['2 PERIODIC'] });
    if (i % 5 === 0) await store.devices.setTags(facts.id, [`group-${i % 3}`], []);
    deviceIds.push(facts.id);
  }
  const deleted = sampleInform();
  await store.devices.applyInform(deleted);
  await store.devices.delete(deleted.id);

  const taskIds: string[] = [];
  for (const [i, status] of (['pending', 'dispatched', 'done', 'faulted', 'expired', 'cancelled'] as const).entries()) {
    const task = sampleTask({ deviceId: deviceIds[i], status, createdAt: T0 + i, updatedAt: T0 + i });
    await store.tasks.create(task);
    taskIds.push(task.id);
  }
  const updated = (await store.tasks.get(taskIds[0]))!;
  await store.tasks.update({ ...updated, revision: updated.revision + 1, attempts: 1, updatedAt: T0 + 50 });

  for (const name of ['inform-defaults', 'wifi', 'firmware-pin']) await store.presets.put(samplePreset({ name, channel: name, updatedAt: T0 }));
  await store.presets.delete('firmware-pin', T0 + 10);

  await store.faults.raise({ deviceId: deviceIds[1], channel: 'task', code: '9002', message: 'internal error', at: T0 });
  await store.faults.raise({ deviceId: deviceIds[1], channel: 'task', code: '9002', message: 'internal error again', at: T0 + 1 });
  await store.faults.raise({ deviceId: deviceIds[2], channel: 'preset:wifi', code: 'invalid-task', message: 'bad', detail: { path: 'x' }, at: T0 });
  await store.close();
  return { deviceIds, taskIds };
}

async function snapshotOf(store: ProvisioningStore, fleet: Fleet): Promise<Snapshot> {
  return {
    devices: await Promise.all(fleet.deviceIds.map(async (id) => (await store.devices.get(id))!)),
    tasks: await Promise.all(fleet.taskIds.map(async (id) => (await store.tasks.get(id))!)),
    presets: await store.presets.list(),
    presetChanges: await store.presets.changedSince(0),
    faults: (await store.faults.list({}, { skip: 0, limit: 100 })).items,
  };
}

/** The documents of each nedb file as nedb itself loads them. */
async function rawNedbDocuments(dataDir: string): Promise<Record<EmbeddedCollectionName, StoredDocument[]>> {
  const result = {} as Record<EmbeddedCollectionName, StoredDocument[]>;
  for (const name of EMBEDDED_COLLECTIONS) {
    const store = new Datastore<StoredDocument>({ filename: embeddedDataFile(dataDir, name) });
    await store.loadDatabaseAsync();
    result[name] = byId(store.getAllData() as StoredDocument[]);
  }
  return result;
}

function byId(docs: StoredDocument[]): StoredDocument[] {
  return [...docs].sort((a, b) => a._id.localeCompare(b._id));
}

/** A real collection whose inserts a test intercepts: `fail` returns an error to throw, `drop` to lose it silently. */
class InterceptedInserts implements DocumentCollection {
  private inserts = 0;
  constructor(
    private readonly inner: DocumentCollection,
    private readonly intercept: (doc: StoredDocument, n: number) => Error | 'drop' | undefined,
  ) {}
  get name(): string {
    return this.inner.name;
  }
  async insertOne(doc: StoredDocument): Promise<void> {
    const outcome = this.intercept(doc, ++this.inserts);
    if (outcome === 'drop') return;
    if (outcome) throw outcome;
    await this.inner.insertOne(doc);
  }
  findOne(filter: DocumentFilter, projection?: DocumentProjection) {
    return this.inner.findOne(filter, projection);
  }
  find(filter: DocumentFilter, options?: FindOptions) {
    return this.inner.find(filter, options);
  }
  count(filter: DocumentFilter) {
    return this.inner.count(filter);
  }
  updateOne(filter: DocumentFilter, update: DocumentUpdate) {
    return this.inner.updateOne(filter, update);
  }
  findOneAndUpdate(filter: DocumentFilter, update: DocumentUpdate) {
    return this.inner.findOneAndUpdate(filter, update);
  }
  replaceOne(filter: DocumentFilter, doc: StoredDocument, options?: { upsert?: boolean }) {
    return this.inner.replaceOne(filter, doc, options);
  }
  deleteOne(filter: DocumentFilter) {
    return this.inner.deleteOne(filter);
  }
  deleteMany(filter: DocumentFilter) {
    return this.inner.deleteMany(filter);
  }
}

function intercepted(target: NedbImportTarget, name: EmbeddedCollectionName, intercept: ConstructorParameters<typeof InterceptedInserts>[1]): NedbImportTarget {
  return { collections: { ...target.collections, [name]: new InterceptedInserts(target.collections[name], intercept) } };
}

describe('importNedbDataDirectory', () => {
  let templateDir: string;
  let dataDir: string;
  let fleet: Fleet;
  let expected: Snapshot;
  let raw: Record<EmbeddedCollectionName, StoredDocument[]>;
  let sqlite: Awaited<ReturnType<typeof openSqliteProvisioningStore>> | undefined;
  const at = new Date('2026-12-07T06:00:00.000Z');

  beforeAll(async () => {
    // The same nedb directory for every test: each copies it, since a successful import moves its files away.
    templateDir = await mkdtemp(join(tmpdir(), 'acs-nedb-template-'));
    fleet = await writeNedbDataDirectory(templateDir);
    const nedb = await openEmbeddedProvisioningStore({ dataDir: templateDir });
    expected = await snapshotOf(nedb, fleet);
    await nedb.close();
    raw = await rawNedbDocuments(templateDir);
  });

  afterAll(async () => {
    await rm(templateDir, { recursive: true, force: true });
  });

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'acs-nedb-import-'));
    for (const name of EMBEDDED_COLLECTIONS) await copyFile(embeddedDataFile(templateDir, name), embeddedDataFile(dataDir, name));
    sqlite = await openSqliteProvisioningStore({ dataDir });
  });

  afterEach(async () => {
    await sqlite?.close();
    sqlite = undefined;
    await rm(dataDir, { recursive: true, force: true });
  });

  async function expectEverythingImported(): Promise<void> {
    expect(await snapshotOf(sqlite!, fleet)).toEqual(expected);
    for (const name of EMBEDDED_COLLECTIONS) expect(byId(await sqlite!.collections[name].find({}))).toEqual(raw[name]);
  }

  it('copies every document as stored, checks the counts and moves the nedb files aside', async () => {
    expect(await nedbImportDue(dataDir, sqlite!)).toBe('import');
    const progress: string[] = [];

    const report = await importNedbDataDirectory(dataDir, sqlite!, { batchSize: 4, now: () => at, onProgress: (p) => progress.push(`${p.collection} ${p.done}/${p.total}`) });

    expect(report.collections).toEqual([
      { collection: 'devices', source: 26, inserted: 26, alreadyPresent: 0, found: 26 },
      { collection: 'tasks', source: 6, inserted: 6, alreadyPresent: 0, found: 6 },
      { collection: 'taskResults', source: 0, inserted: 0, alreadyPresent: 0, found: 0 },
      { collection: 'presets', source: 3, inserted: 3, alreadyPresent: 0, found: 3 },
      { collection: 'faults', source: 2, inserted: 2, alreadyPresent: 0, found: 2 },
    ]);
    expect(progress).toContain('devices 4/26');
    expect(progress).toContain('devices 26/26');
    await expectEverythingImported();
    expect(expected.devices[0].parameters['Device.DeviceInfo.SoftwareVersion']).toBeDefined();
    expect(Object.keys(expected.devices[0].parameters).length).toBeGreaterThan(5000);

    expect(report.movedTo).toBe(join(dataDir, 'nedb-imported-20261207T060000000Z'));
    expect(readdirSync(report.movedTo).sort()).toEqual(EMBEDDED_COLLECTIONS.map((name) => `provisioning.${name}.db`).sort());
    expect(nedbDataFiles(dataDir)).toEqual([]);
    expect(existsSync(join(dataDir, NEDB_IMPORT_PENDING_FILE))).toBe(false);
    expect(await nedbImportDue(dataDir, sqlite!)).toBe('none');

    // The data is in the SQLite file, not in this process: a reopened store reads the same.
    await sqlite!.close();
    sqlite = await openSqliteProvisioningStore({ dataDir });
    await expectEverythingImported();
  });

  it('keeps the nedb files when a write fails, and the next attempt completes without copying twice', async () => {
    const failing = intercepted(sqlite!, 'tasks', (_doc, n) => (n === 3 ? new Error('disk I/O error') : undefined));

    const failure = await importNedbDataDirectory(dataDir, failing).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(NedbImportError);
    expect((failure as Error).message).toMatch(/tasks: disk I\/O error.*left in place.*devices 26\/26/);
    expect(nedbDataFiles(dataDir)).toHaveLength(EMBEDDED_COLLECTIONS.length);
    expect(existsSync(join(dataDir, NEDB_IMPORT_PENDING_FILE))).toBe(true);
    // The SQLite store is no longer empty, yet the unfinished import is retried at the next start.
    expect(await nedbImportDue(dataDir, sqlite!)).toBe('import');

    const report = await importNedbDataDirectory(dataDir, sqlite!);
    expect(report.collections.find((c) => c.collection === 'devices')).toEqual({ collection: 'devices', source: 26, inserted: 0, alreadyPresent: 26, found: 26 });
    // The failed batch's other writes went through; only the failed one is copied now.
    expect(report.collections.find((c) => c.collection === 'tasks')).toEqual({ collection: 'tasks', source: 6, inserted: 1, alreadyPresent: 5, found: 6 });
    await expectEverythingImported();
    expect(nedbDataFiles(dataDir)).toEqual([]);
  });

  it('keeps the nedb files when a count does not match, and says which collection is short', async () => {
    const lossy = intercepted(sqlite!, 'devices', (doc) => (doc._id === fleet.deviceIds[3] ? 'drop' : undefined));

    await expect(importNedbDataDirectory(dataDir, lossy)).rejects.toThrow(/incomplete: devices: 26 in nedb, 25 of them in SQLite; the nedb files were left in place/);
    expect(nedbDataFiles(dataDir)).toHaveLength(EMBEDDED_COLLECTIONS.length);
    expect(readdirSync(dataDir).some((name) => name.startsWith('nedb-imported-'))).toBe(false);

    const report = await importNedbDataDirectory(dataDir, sqlite!);
    expect(report.collections[0]).toEqual({ collection: 'devices', source: 26, inserted: 1, alreadyPresent: 25, found: 26 });
    await expectEverythingImported();
  });

  it('is harmless to run again: nothing to import once done, and an explicit rerun keeps what SQLite holds', async () => {
    const first = await importNedbDataDirectory(dataDir, sqlite!, { now: () => at });
    await expect(importNedbDataDirectory(dataDir, sqlite!)).rejects.toThrow(/no nedb data files .* nothing to import/);

    // The ACS goes on writing to SQLite; then the old files come back (an operator restoring them).
    await sqlite!.devices.setTags(fleet.deviceIds[0], ['moved-to-sqlite'], []);
    for (const name of EMBEDDED_COLLECTIONS) await copyFile(join(first.movedTo, `provisioning.${name}.db`), embeddedDataFile(dataDir, name));
    expect(await nedbImportDue(dataDir, sqlite!)).toBe('store-not-empty');

    const again = await importNedbDataDirectory(dataDir, sqlite!, { now: () => at });
    expect(again.collections.every((c) => c.inserted === 0 && c.alreadyPresent === c.source && c.found === c.source)).toBe(true);
    expect((await sqlite!.devices.get(fleet.deviceIds[0]))!.tags).toContain('moved-to-sqlite');
    // The same second as the first import: its files are not moved over the first one's.
    expect(again.movedTo).toBe(`${first.movedTo}-2`);
    expect(readdirSync(first.movedTo)).toHaveLength(EMBEDDED_COLLECTIONS.length);
  });

  it('refuses a directory without nedb files and leaves no pending mark', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'acs-nedb-empty-'));
    try {
      await expect(importNedbDataDirectory(empty, sqlite!)).rejects.toThrow(NedbImportError);
      expect(existsSync(join(empty, NEDB_IMPORT_PENDING_FILE))).toBe(false);
      expect(await nedbImportDue(empty, sqlite!)).toBe('none');
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });
});
