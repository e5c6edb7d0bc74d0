import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { openSqliteDatabase, SqliteCollection } from '@acs/infra-sqlite';

import { describeRolloutStoreContract } from '../testing/rollout-store.contract';
import { indexFieldLists, ROLLOUT_TARGET_INDEXES } from './rollout-collections.schema';
import { openSqliteRolloutStore } from './sqlite-rollout-store';

// The standalone's store: a fresh database file per test, as a service opens it in its data directory.
describeRolloutStoreContract('SQLite', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'acs-rollout-'));
  const database = openSqliteDatabase(join(dataDir, 'service.sqlite'));
  const store = openSqliteRolloutStore({ database, prefix: 'service' });
  return {
    store,
    // One connection, synchronous statements: a filtered update is applied whole before the next one starts.
    isolatesConcurrentWrites: true,
    async cleanup() {
      await store.close();
      database.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
});

describe('rollout targets on SQLite: a listing paged by seq', () => {
  let dataDir: string;
  let database: ReturnType<typeof openSqliteDatabase>;
  let targets: SqliteCollection;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'acs-rollout-plan-'));
    database = openSqliteDatabase(join(dataDir, 'service.sqlite'));
    targets = new SqliteCollection(database, { name: 'rolloutTargets', indexes: indexFieldLists(ROLLOUT_TARGET_INDEXES) });
  });
  afterAll(async () => {
    database.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  // What DocumentRolloutStore asks for a page (several states are read one state at a time, then merged).
  it.each([
    ['every state', { rolloutId: 'r', seq: { $gt: 5 } }, 'rolloutTargets_c_rolloutId_seq_'],
    ['one state', { rolloutId: 'r', state: 'failed', seq: { $gt: 5 } }, 'rolloutTargets_c_rolloutId_state_seq_'],
    ['one state of one wave', { rolloutId: 'r', state: 'failed', wave: 2, seq: { $gt: 5 } }, 'rolloutTargets_c_rolloutId_state_seq_'],
    ['one wave', { rolloutId: 'r', wave: 2, seq: { $gt: 5 } }, 'rolloutTargets_c_rolloutId_seq_'],
  ])('reads %s as an index range in seq order, never sorting the rollout', (_name, filter, index) => {
    const plan = targets.explain(filter, [['seq', 1]]);
    expect(plan).toContain(`USING INDEX ${index}`);
    expect(plan).toMatch(/f_seq>\?/);
    expect(plan).not.toMatch(/TEMP B-TREE/);
  });
});
