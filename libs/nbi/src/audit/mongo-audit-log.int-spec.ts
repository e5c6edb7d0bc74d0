import { randomBytes } from 'node:crypto';

import { buildIndexes, MongoConnection, MongoUnavailableError, readMongoConfig, redactMongoUrl } from '@acs/infra-mongo';

import { AuditRetention } from './audit-retention';
import { MongoAuditLog } from './mongo-audit-log';
import { auditCollection, nbiCollections } from './nbi-collections.schema';
import { auditEntry, describeAuditLogContract } from './testing/audit-log.contract';

// Runs against a real MongoDB-protocol server: ACS_MONGO_URL, default mongodb://127.0.0.1:27017/acs (FerretDB 1.24
// from `npm run infra:up`). A missing server fails the run, never skips it.
const base = readMongoConfig({ ACS_MONGO_URL: process.env.ACS_MONGO_URL });
/** One database per run, dropped at the end. */
const dbName = `acs_test_nbi_${randomBytes(4).toString('hex')}`;
const opened: MongoConnection[] = [];
let unreachable: Error | null = null;

async function connect(): Promise<MongoConnection> {
  if (unreachable) throw unreachable;
  try {
    const connection = await MongoConnection.open({ ...base, dbName, autoIndex: true, autoCreate: true, serverSelectionTimeoutMs: 2_000 });
    opened.push(connection);
    return connection;
  } catch (error) {
    if (!(error instanceof MongoUnavailableError)) throw error;
    unreachable = new Error(`MongoDB not reachable at ${redactMongoUrl(base.url)} — run \`npm run infra:up\` (or set ACS_MONGO_URL)`, { cause: error });
    throw unreachable;
  }
}

let shared: MongoConnection | undefined;

afterAll(async () => {
  const live = opened.find((connection) => connection.connection.readyState === 1);
  if (live) await live.connection.dropDatabase();
  for (const connection of opened) await connection.close();
});

describeAuditLogContract('MongoDB', async () => {
  shared ??= await connect();
  await shared.connection.db!.collection(auditCollection.collection).deleteMany({});
  let log = await MongoAuditLog.open(shared);
  return {
    get log() {
      return log;
    },
    async reopen() {
      await log.close();
      // A new connection: nothing comes from the first one's memory.
      log = await MongoAuditLog.open(await connect());
      return log;
    },
    cleanup: () => log.close(),
  };
});

describe('nbi.audit retention', () => {
  it('deletes the entries older than the cut-off and keeps the rest', async () => {
    shared ??= await connect();
    await shared.connection.db!.collection(auditCollection.collection).deleteMany({});
    const log = await MongoAuditLog.open(shared);
    for (const [id, time] of [['a', 1000], ['b', 2000], ['c', 3000]] as const) await log.record(auditEntry({ id, time }));
    const retention = new AuditRetention(log, 1500, { info: () => undefined, warn: () => undefined }, 60_000, () => 3500);
    await retention.runOnce();
    expect((await log.list({ limit: 10 })).map((e) => e.id)).toEqual(['c', 'b']);
    expect(await log.deleteOlderThan(2500)).toBe(1);
    expect((await log.list({ limit: 10 })).map((e) => e.id)).toEqual(['c']);
  });
});

describe('nbi.audit writes', () => {
  it('read back an entry stored before `credential` was recorded with an empty one', async () => {
    shared ??= await connect();
    await shared.connection.db!.collection(auditCollection.collection).deleteMany({});
    const log = await MongoAuditLog.open(shared);
    const { id, credential: _credential, ...older } = auditEntry();
    await shared.connection.db!.collection<{ _id: string }>(auditCollection.collection).insertOne({ _id: id, ...older });
    expect(await log.list({ limit: 10 })).toEqual([{ ...older, id, credential: '' }]);
  });

  it('take an entry recorded again (a retry whose first answer was lost) as already recorded', async () => {
    shared ??= await connect();
    await shared.connection.db!.collection(auditCollection.collection).deleteMany({});
    const log = await MongoAuditLog.open(shared);
    const entry = auditEntry();
    await log.record(entry);
    await expect(log.record({ ...entry })).resolves.toBeUndefined();
    expect(await log.list({ limit: 10 })).toEqual([entry]);
  });
});

describe('nbi.audit indexes', () => {
  it('are the declared ones, and the index builder keeps them as they are', async () => {
    shared ??= await connect();
    await MongoAuditLog.open(shared);
    const indexes = await shared.connection.db!.collection('nbi.audit').indexes();
    expect(indexes.map((index) => index.key)).toEqual(expect.arrayContaining([{ time: -1, _id: -1 }, { client: 1, time: -1 }]));
    const report = await buildIndexes(shared, [nbiCollections], { dryRun: true });
    expect({ created: report.created, dropped: report.dropped, kept: report.kept }).toEqual({ created: 0, dropped: 0, kept: 2 });
  });
});
