import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { closeSqliteStore, openSqliteDatabase, SqliteCollection, sqliteIndexesOf, SqliteWriteBatcher } from '@acs/infra-sqlite';

import { alarmCollection } from './alarms-collections.schema';
import { describeAlarmStoreContract } from '../testing/alarm-store.contract';
import { openSqliteAlarmStore } from './sqlite-alarm-store';

// The standalone's store: the diagnostics database in a fresh directory, its group commit shared as the service does.
describeAlarmStoreContract('SQLite (standalone)', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'acs-alarms-'));
  const database = openSqliteDatabase(join(dataDir, 'diagnostics.sqlite'));
  const writes = new SqliteWriteBatcher(database);
  return {
    store: openSqliteAlarmStore({ database, writes }),
    async cleanup() {
      closeSqliteStore(database, writes);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
});

describe('alarms on SQLite: the listings read an index in listing order', () => {
  let dataDir: string;
  let database: ReturnType<typeof openSqliteDatabase>;
  let alarms: SqliteCollection;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'acs-alarms-plan-'));
    database = openSqliteDatabase(join(dataDir, 'diagnostics.sqlite'));
    alarms = new SqliteCollection(database, { name: 'alarms', indexes: sqliteIndexesOf(alarmCollection) });
  });
  afterAll(async () => {
    database.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it.each([
    ['every alarm', {}, 'alarms_c_listKey_'],
    ['active alarms', { state: 'active' }, 'alarms_c_state_listKey_'],
    ["a device's", { deviceId: 'd' }, 'alarms_c_deviceId_listKey_'],
    ["a rule's of a state", { ruleId: 'r', state: 'active' }, 'alarms_c_ruleId_state_listKey_'],
  ])('pages %s without sorting them', (_name, filter, index) => {
    const plan = alarms.explain({ ...filter, listKey: { $lt: 'k' } }, [['listKey', -1]]);
    expect(plan).toContain(`USING INDEX ${index}`);
    expect(plan).not.toMatch(/TEMP B-TREE/);
  });
});
