import { buildIndexes, MongoTestDatabase, type MongoConnection } from '@acs/infra-mongo';

import { AuditRetention } from '../audit/audit-retention';
import { auditEntry, describeAuditLogContract } from '../audit/testing/audit-log.contract';
import { MongoAuditLog } from './mongo-audit-log';
import { auditCollection, nbiCollections } from './nbi-collections.schema';

// Runs against a real MongoDB-protocol server (see MongoTestDatabase); a missing server fails the run, never skips it.
const database = new MongoTestDatabase('acs_test_nbi');
const connect = () => database.connect();

let shared: MongoConnection | undefined;

afterAll(() => database.drop());

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
